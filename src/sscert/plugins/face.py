"""Face matching and template photos: interfaces the embedding system implements.

sscert never recognises faces itself. A face-recognition channel asks a
:class:`FaceMatcher` — the agency's certified matching service — whether a live capture
matches the person's template photo (模板照片), and a :class:`TemplatePhotoStore` for that
photo. :class:`FakeFaceMatcher` is a deterministic stand-in for tests and examples only: it
"matches" when the capture's bytes equal the template's bytes.
"""

from __future__ import annotations

from typing import Protocol

from attrs import field, frozen

from sscert.plugins.model import FaceCapture
from sscert.values.identity import IdNumber

__all__ = [
    "FaceMatch",
    "FaceMatcher",
    "FakeFaceMatcher",
    "InMemoryTemplatePhotos",
    "TemplatePhoto",
    "TemplatePhotoStore",
]


@frozen
class TemplatePhoto:
    """The reference face made in person (建模), and the name shown beside it."""

    image: bytes = field(repr=False)
    name: str = field(repr=False)
    made_by: str = ""


@frozen
class FaceMatch:
    """A matcher's answer: is the capture live, and is it the template's face."""

    live: bool
    same_person: bool
    score: float = 0.0


class FaceMatcher(Protocol):
    """The embedding system's face-matching service."""

    def match(self, template: TemplatePhoto, capture: FaceCapture) -> FaceMatch: ...


class TemplatePhotoStore(Protocol):
    """Where template photos are kept (the agency's 建模 records)."""

    def get(self, id_number: IdNumber) -> TemplatePhoto | None: ...

    def put(self, id_number: IdNumber, photo: TemplatePhoto) -> None: ...


class FakeFaceMatcher:
    """A deterministic fake, for tests and examples only — it recognises nothing.

    Same person when the capture's image bytes equal the template's; live unless the
    capture's liveness evidence is ``b"photo-of-a-photo"``.
    """

    SPOOF = b"photo-of-a-photo"

    def match(self, template: TemplatePhoto, capture: FaceCapture) -> FaceMatch:
        live = capture.liveness != self.SPOOF
        same = capture.image == template.image
        return FaceMatch(live, same, 1.0 if same else 0.0)


class InMemoryTemplatePhotos:
    """A dict-backed template photo store."""

    def __init__(self) -> None:
        self._photos: dict[IdNumber, TemplatePhoto] = {}

    def get(self, id_number: IdNumber) -> TemplatePhoto | None:
        return self._photos.get(id_number)

    def put(self, id_number: IdNumber, photo: TemplatePhoto) -> None:
        self._photos[id_number] = photo
