# Balise's production image: gunicorn serving the app, the same image running `balise jobs work`.
# Build: docker build -t balise .   Run: compose.yaml (PostgreSQL, web, worker); docs/deployment.md.
# Keys are never baked in: they come from the environment or from files (*_FILE) at run time.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# gettext compiles the translations (msgfmt); nothing of it goes to the final image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml requirements.lock README.md ./
COPY src ./src
# The runtime dependencies at their pinned versions (requirements.lock as constraints), then the
# translations compiled inside the installed package.
RUN python -m venv /opt/balise/venv \
 && /opt/balise/venv/bin/pip install -c requirements.lock . \
 && cd /opt/balise/venv/lib/python3.11/site-packages/balise \
 && /opt/balise/venv/bin/django-admin compilemessages --ignore=__pycache__

FROM python:3.11-slim
# WeasyPrint (the detection aid's PDF) draws text with Pango and HarfBuzz; DejaVu is its font.
# postgresql-client (15, as the database) gives `balise backup` its pg_dump and pg_restore.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core \
      postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/balise --shell /usr/sbin/nologin balise \
 && install -d -o balise -g balise /var/lib/balise /opt/balise/numba-cache
COPY --from=build /opt/balise/venv /opt/balise/venv
ENV PATH=/opt/balise/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    BALISE_ENV=production \
    BALISE_VAR_DIR=/var/lib/balise \
    BALISE_STATIC_ROOT=/opt/balise/static \
    BALISE_BIND=0.0.0.0:8000 \
    NUMBA_CACHE_DIR=/opt/balise/numba-cache
# Static files collected once, hashed and compressed for WhiteNoise. Production settings refuse to
# load without keys, so this one step gets throwaway values that exist only during the step.
RUN SECRET_KEY=collectstatic-only BALISE_AUDIT_KEY=collectstatic-only \
    BALISE_NOTES_KEY=Y29sbGVjdHN0YXRpYy1vbmx5LWtleS0zMi1ieXRlcyE= \
    BALISE_MFA_KEY=Y29sbGVjdHN0YXRpYy1vbmx5LWtleS0zMi1ieXRlcyE= \
    BALISE_ENCODINGS_KEY=Y29sbGVjdHN0YXRpYy1vbmx5LWtleS0zMi1ieXRlcyE= \
    balise collectstatic --no-input --verbosity 0
USER balise
# The linkage kernels compiled into the image's numba cache: no first run pays it (about a minute).
RUN python -m balise.linkage.warm
WORKDIR /var/lib/balise
VOLUME ["/var/lib/balise"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD python -c "import os, urllib.request as u; host = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0]; r = u.Request('http://127.0.0.1:8000/healthz', headers={'Host': host, 'X-Forwarded-Proto': 'https'}); u.urlopen(r, timeout=4)"
CMD ["gunicorn", "--config", "python:balise.gunicorn_conf", "balise.wsgi"]
