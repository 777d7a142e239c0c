"""Count children across sectors without names: keyed encoding, blocking, scoring, clustering.

Framework-free (numpy, numba, standard library; never Django). The encoding side below imports
no compiled code, so `balise encode` and the server's spec checks stay light; deduplication lives
in `balise.linkage.dedupe` (`dedupe_words`).
"""

from balise.linkage.encode import Encoder
from balise.linkage.normalise import InvalidField
from balise.linkage.secret import NetworkSecret, SecretError, loads_secret, new_secret
from balise.linkage.spec import CURRENT, ENCODING_COLUMNS, SPECS, EncodingSpec

__all__ = [
    "CURRENT",
    "ENCODING_COLUMNS",
    "SPECS",
    "Encoder",
    "EncodingSpec",
    "InvalidField",
    "NetworkSecret",
    "SecretError",
    "loads_secret",
    "new_secret",
]
