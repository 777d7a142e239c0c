"""Atom feeds of the published publications, one per language (Django's syndication framework)."""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from balise.publications.models import LANGUAGE_CODES, Publication, PublicationVersion
from balise.publications.selectors import published_in

Entry = tuple[Publication, PublicationVersion]

if TYPE_CHECKING:
    BaseFeed = Feed[Entry, str]
else:  # Django's Feed is generic in django-stubs only
    BaseFeed = Feed


class PublicationsFeed(BaseFeed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, language: str) -> str:
        if language not in LANGUAGE_CODES:
            raise Http404
        return language

    def __call__(self, request: HttpRequest, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        language = str(kwargs.get("language", ""))
        with translation.override(language if language in LANGUAGE_CODES else None):
            return super().__call__(request, *args, **kwargs)

    def title(self, obj: str) -> str:
        return _("Balise publications")

    def subtitle(self, obj: str) -> str:
        return _("Analyses, studies, tools and activity reports of the Balise network.")

    def link(self, obj: str) -> str:
        return reverse("publications:catalogue")

    def feed_url(self, obj: str) -> str:
        return reverse("publications:feed", args=[obj])

    def items(self, obj: str) -> list[Entry]:
        return published_in(obj)

    def item_title(self, item: Entry) -> str:
        return item[1].title

    def item_description(self, item: Entry) -> str:
        return item[1].abstract

    def item_link(self, item: Entry) -> str:
        return reverse("publications:detail", args=[item[0].pk])

    def item_guid(self, item: Entry) -> str:
        return f"balise-publication-{item[0].pk}-{item[1].language}"

    def item_pubdate(self, item: Entry) -> datetime:
        return timezone.make_aware(datetime.combine(item[0].published_on, time(12)))

    def item_updateddate(self, item: Entry) -> datetime:
        return item[1].updated_at

    def item_author_name(self, item: Entry) -> str:
        return item[0].authors
