"""spaCy as the pipeline's frame: the entities of this package as spans of a `Doc`.

Importing this module registers, for any spaCy user:

- tokenizer  "extractor.word_tokenizer.v1": words and punctuation apart, so that
  entity offsets always fall on token edges (spaCy's own Vietnamese tokenizer
  needs pyvi and keeps "Ánh," as one token);
- factory    "extractor_entities": runs `extractor.entities.find_entities` on
  `doc.text` and puts every entity in `doc.spans["extractor"]` (labels PROVINCE,
  DISTRICT, COMMUNE, ORG, PERSON, OFFICIAL), the non-overlapping ones in
  `doc.ents`, their normalized values in `span._.normalized` and all entity
  dicts in `doc._.entities`;
- factory    "extractor_entity_ruler": a plain spaCy `EntityRuler` whose phrase
  patterns (organization names, titles, honorifics) are loaded from rules/.

    import spacy, extractor.entities.spacy_components
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "extractor.word_tokenizer.v1"}}})
    nlp.add_pipe("extractor_entities", config={"use_ner": False})
    doc = nlp("Theo bà Hồ Thu Ánh, Phó Chủ tịch UBND tỉnh Hậu Giang, ...")

`make_nlp()` builds exactly that. Nothing here finds entities itself.
"""
from __future__ import annotations

import regex
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..rules import load_yaml

SPANS_KEY = "extractor"
_WORDS = regex.compile(r"\w+(?:['’]\w+)*|\S")

if not Span.has_extension("normalized"):
    Span.set_extension("normalized", default=None)
if not Doc.has_extension("entities"):
    Doc.set_extension("entities", default=None)


class WordTokenizer:
    """Words (letters/digits, with inner apostrophes) and single punctuation marks."""

    def __init__(self, vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        pos = 0
        for m in _WORDS.finditer(text):
            self._gap(text[pos:m.start()], words, spaces)
            words.append(m.group())
            spaces.append(False)
            pos = m.end()
        self._gap(text[pos:], words, spaces)
        return Doc(self.vocab, words=words, spaces=spaces)

    @staticmethod
    def _gap(gap: str, words: list[str], spaces: list[bool]) -> None:
        """Whitespace between tokens: one space is the previous token's; the rest a token."""
        if not gap:
            return
        if words and gap[0] == " ":
            spaces[-1] = True
            gap = gap[1:]
        if gap:
            words.append(gap)
            spaces.append(False)

    def to_disk(self, path, **kwargs):   # nothing to save: the rules live in regex above
        pass

    def from_disk(self, path, **kwargs):
        return self

    def to_bytes(self, **kwargs):
        return b""

    def from_bytes(self, data, **kwargs):
        return self


@spacy.registry.tokenizers("extractor.word_tokenizer.v1")
def create_word_tokenizer():
    def make(nlp):
        return WordTokenizer(nlp.vocab)
    return make


class EntitiesComponent:
    """Sets the spans of `find_entities` on each Doc."""

    def __init__(self, use_ner: bool = False, province_hint: str | None = None, spans_key: str = SPANS_KEY):
        self.use_ner = use_ner
        self.province_hint = province_hint
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        from . import find_entities
        hint = doc.user_data.get("province_hint", self.province_hint)
        entities = find_entities(doc.text, province_hint=hint, use_ner=self.use_ner)
        spans = []
        for e in entities:
            span = doc.char_span(e.start, e.end, label=e.type, alignment_mode="expand")
            if span is None:
                continue
            span._.normalized = e.normalized
            spans.append(span)
        doc.spans[self.spans_key] = spans
        doc.ents = filter_spans([s for s in spans if s.label_ != "OFFICIAL"])
        doc._.entities = [e.to_dict() for e in entities]
        return doc


@Language.factory("extractor_entities",
                  default_config={"use_ner": False, "province_hint": None, "spans_key": SPANS_KEY})
def make_entities_component(nlp: Language, name: str, use_ner: bool, province_hint: str | None,
                            spans_key: str) -> EntitiesComponent:
    return EntitiesComponent(use_ner=use_ner, province_hint=province_hint, spans_key=spans_key)


def ruler_patterns() -> list[dict]:
    """EntityRuler phrase patterns from rules/: organization forms (ORG), titles (TITLE), honorifics."""
    patterns = []
    for entry in load_yaml("organizations.yaml")["organizations"]:
        for form in entry["forms"]:
            patterns.append({"label": "ORG", "pattern": form, "id": entry["kind"]})
    titles = load_yaml("titles.yaml")
    for t in titles["titles"]:
        patterns.append({"label": "TITLE", "pattern": t})
    for h in titles["honorifics"]:
        patterns.append({"label": "HONORIFIC", "pattern": h})
    return patterns


@Language.factory("extractor_entity_ruler", default_config={"overwrite_ents": False})
def make_entity_ruler(nlp: Language, name: str, overwrite_ents: bool):
    from spacy.pipeline import EntityRuler
    ruler = EntityRuler(nlp, name=name, overwrite_ents=overwrite_ents)
    ruler.add_patterns(ruler_patterns())
    return ruler


def make_nlp(*, use_ner: bool = False, province_hint: str | None = None) -> Language:
    """A blank Vietnamese pipeline with this package's tokenizer and entities component."""
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "extractor.word_tokenizer.v1"}}})
    nlp.add_pipe("extractor_entities", config={"use_ner": use_ner, "province_hint": province_hint})
    return nlp


__all__ = ["make_nlp", "WordTokenizer", "EntitiesComponent", "ruler_patterns", "SPANS_KEY"]
