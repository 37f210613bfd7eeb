"""Generate a large synthetic corpus for the benchmark, in the styles of corpus/.

Every .txt and .md document of corpus/ is a template. A generated document is
one template, lengthened with body paragraphs of other templates until it
reaches a length drawn like real news (1.5-6k characters), then rewritten:
provinces, districts and communes the template names are replaced by other real
ones from rules/gazetteer/*.tsv (a district by a district of the new province),
officials' names (from corpus/gold-entities.jsonl) by other plausible names,
figures by nearby figures written the same way ("3.236.507", "94,12%",
"1,2 triệu"), and years shifted by the same offset across the document. The
output is deterministic for a given seed.

Optionally M PDFs (copies of corpus/*.pdf, cycled) go to a separate folder so
that the benchmark can report PDF pages/s on their own.

It does not make documents that are correct as data: figures do not add up and
the text is a collage. It is a workload for measuring speed and memory, not gold.

    python bench/generate.py OUT [-n 10000] [--pdfs 0] [--seed 1] [--corpus corpus]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import regex

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO / "corpus"
DEFAULT_GAZETTEER = REPO / "rules" / "gazetteer"
TEXT_DIR, PDF_DIR = "text", "pdf"

# Names for officials: common Vietnamese family, middle and given names.
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương", "Hà", "Đào")
MIDDLE_M = ("Văn", "Minh", "Quốc", "Đức", "Hữu", "Thanh", "Xuân", "Công", "Quang", "Ngọc")
MIDDLE_F = ("Thị", "Thị Thu", "Thị Thanh", "Thị Minh", "Thị Kim", "Thị Ngọc", "Thị Hồng")
GIVEN_M = ("Hùng", "Dũng", "Tuấn", "Khánh", "Lợi", "Huy", "Nam", "Sơn", "Thắng", "Long",
           "Hải", "Bình", "Cường", "Phong", "Tùng", "Quân", "Trung", "Đông", "Mạnh", "Khải")
GIVEN_F = ("Trang", "Hà", "Lan", "Hương", "Thoa", "Nguyệt", "Thúy", "Hạnh", "Mai", "Linh",
           "Phương", "Yến", "Dung", "Hoa", "Ngân", "Vân", "Thảo", "Nhung")

_WORD_EDGE_L = r"(?<![\p{L}\p{N}_])"
_WORD_EDGE_R = r"(?![\p{L}\p{N}_])"
# Dates first (only their year moves), then bare years, then any other figure.
_FIGURES = (
    r"(?P<dmy>\b\d{1,2}[/.-]\d{1,2}[/.-])(?P<dmy_y>(?:19|20)\d{2})\b"
    r"|(?P<my>\b\d{1,2}/)(?P<my_y>(?:19|20)\d{2})\b"
    r"|(?P<year>(?<![\d.,])(?:19|20)\d{2}(?![\d]|[.,]\d))"
    r"|(?P<num>(?<![\d.,])\d+(?:[.,]\d+)*(?![\d]))(?P<pct>\s?%)?"
)


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


# --- gazetteer -----------------------------------------------------------------------

@dataclass
class Gazetteer:
    provinces: dict[str, str]                     # code -> name (before 2025)
    districts: dict[str, tuple[str, str]]         # code -> (name, province code)
    communes: dict[str, tuple[str, str, str]]     # code -> (name, district code, province code)
    districts_of: dict[str, list[str]] = field(default_factory=dict)   # province -> district codes
    communes_of: dict[str, list[str]] = field(default_factory=dict)    # district -> commune codes

    @classmethod
    def load(cls, folder: Path = DEFAULT_GAZETTEER) -> "Gazetteer":
        def rows(name):
            with open(folder / name, encoding="utf-8", newline="") as f:
                lines = [ln for ln in f if ln.strip() and not ln.startswith("#")]
            return list(csv.DictReader(lines, delimiter="\t"))

        prov = {r["code"]: nfc(r["name"]) for r in rows("provinces_old.tsv")}
        dist = {r["code"]: (nfc(r["name"]), r["province_code"]) for r in rows("districts.tsv")
                if r.get("dissolved", "0") != "1" and r["province_code"] in prov}
        comm = {r["code"]: (nfc(r["name"]), r["district_code"], r["province_code"])
                for r in rows("communes.tsv")
                if r.get("dissolved", "0") != "1" and r["district_code"] in dist}
        g = cls(prov, dist, comm)
        for code, (_, p) in sorted(dist.items()):
            g.districts_of.setdefault(p, []).append(code)
        for code, (_, d, _) in sorted(comm.items()):
            g.communes_of.setdefault(d, []).append(code)
        return g


# --- templates -----------------------------------------------------------------------

@dataclass
class Template:
    """One corpus document and what in it can be replaced."""
    name: str
    ext: str
    text: str
    places: dict[str, tuple[str, str]]   # surface name -> (level, gazetteer code)
    people: list[str]                    # full names of officials

    def chunks(self) -> list[str]:
        return self.text.split("\n\n")

    def body_paragraphs(self) -> list[str]:
        """Paragraphs worth borrowing: long prose with a figure in it."""
        return [c.strip() for c in self.chunks()
                if len(c.strip()) >= 150 and regex.search(r"\d", c) and "\n" not in c.strip()]


def _officials(corpus: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    gold = corpus / "gold-entities.jsonl"
    if not gold.exists():
        return out
    for line in gold.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("type") is None and row.get("name"):
            out.setdefault(row["doc"], []).append(nfc(row["name"]))
    return out


def _contains(text: str, name: str) -> bool:
    return regex.search(_WORD_EDGE_L + regex.escape(name) + _WORD_EDGE_R, text) is not None


def find_places(text: str, gaz: Gazetteer) -> dict[str, tuple[str, str]]:
    """Provinces the text names; their districts it names; those districts' communes it names."""
    found: dict[str, tuple[str, str]] = {}
    upper = text.upper()
    prov_codes = []
    for code, name in gaz.provinces.items():
        if _contains(text, name) or _contains(upper, name.upper()):
            found[name] = ("province", code)
            prov_codes.append(code)
    dist_codes = []
    for p in prov_codes:
        for d in gaz.districts_of.get(p, []):
            name = gaz.districts[d][0]
            if name not in found and _contains(text, name):
                found[name] = ("district", d)
                dist_codes.append(d)
    for d in dist_codes:
        for c in gaz.communes_of.get(d, []):
            name = gaz.communes[c][0]
            if name not in found and _contains(text, name):
                found[name] = ("commune", c)
    return found


def load_templates(corpus: Path = DEFAULT_CORPUS, gaz: Gazetteer | None = None) -> list[Template]:
    gaz = gaz or Gazetteer.load()
    people = _officials(corpus)
    out = []
    for path in sorted(corpus.iterdir()):
        if path.suffix not in (".txt", ".md") or path.name.upper().startswith("README"):
            continue
        text = nfc(path.read_text(encoding="utf-8"))
        out.append(Template(path.stem, path.suffix, text, find_places(text, gaz),
                            people.get(path.stem, [])))
    if not out:
        raise SystemExit(f"no .txt/.md templates in {corpus}")
    return out


# --- one document ----------------------------------------------------------------------

def target_length(rng: random.Random) -> int:
    """Characters, like real news: most 2-3.5k, a tail up to 6k, none under 1.5k."""
    return int(min(6000, max(1500, rng.lognormvariate(7.95, 0.35))))


class _Rewriter:
    """Per-document replacement of places, people, years and figures."""

    def __init__(self, rng: random.Random, gaz: Gazetteer, places: dict, people: list[str],
                 year_offset: int):
        self.rng, self.gaz, self.year_offset = rng, gaz, year_offset
        self.map: dict[str, str] = {}
        self._assign_places(places)
        self._assign_people(people)
        names = sorted(self.map, key=len, reverse=True)
        alt = "|".join(regex.escape(n) for n in names)
        # with no names, a group that never matches keeps the group numbering the same
        places_re = f"{_WORD_EDGE_L}(?:{alt}){_WORD_EDGE_R}" if names else r"(?!)"
        self.pattern = regex.compile(f"(?P<name>{places_re})|" + _FIGURES)

    def _assign_places(self, places: dict) -> None:
        gaz, rng = self.gaz, self.rng
        prov_map: dict[str, str] = {}
        dist_map: dict[str, str] = {}
        used_p = set()
        free_p = sorted(gaz.provinces)
        for name, (level, code) in sorted(places.items(), key=lambda kv: kv[1][1]):
            if level != "province":
                continue
            choices = [p for p in free_p if p not in used_p] or free_p
            new = rng.choice(choices)
            used_p.add(new)
            prov_map[code] = new
            self._put(name, gaz.provinces[new])
        used_d = set()
        for name, (level, code) in sorted(places.items(), key=lambda kv: kv[1][1]):
            if level != "district":
                continue
            p = gaz.districts[code][1]
            pool = gaz.districts_of.get(prov_map.get(p, p), [code])
            choices = [d for d in pool if d not in used_d] or pool
            new = rng.choice(choices)
            used_d.add(new)
            dist_map[code] = new
            self._put(name, gaz.districts[new][0])
        used_c = set()
        for name, (level, code) in sorted(places.items(), key=lambda kv: kv[1][1]):
            if level != "commune":
                continue
            d = gaz.communes[code][1]
            pool = gaz.communes_of.get(dist_map.get(d, d)) or [code]
            choices = [c for c in pool if c not in used_c] or pool
            new = rng.choice(choices)
            used_c.add(new)
            self._put(name, gaz.communes[new][0])

    def _put(self, old: str, new: str) -> None:
        self.map.setdefault(old, new)
        self.map.setdefault(old.upper(), new.upper())

    def _assign_people(self, people: list[str]) -> None:
        rng = self.rng
        for full in people:
            female = " Thị " in f" {full} "
            given = rng.choice(GIVEN_F if female else GIVEN_M)
            new = " ".join((rng.choice(SURNAMES), rng.choice(MIDDLE_F if female else MIDDLE_M),
                            given))
            self.map.setdefault(full, new)
            old_given = full.split()[-1]
            for hon in (("bà", "Bà") if female else ("ông", "Ông")):
                self.map.setdefault(f"{hon} {old_given}", f"{hon} {given}")

    def __call__(self, text: str) -> str:
        return self.pattern.sub(self._one, text)

    def _one(self, m: regex.Match) -> str:
        if m.group("name"):
            return self.map[m.group("name")]
        if m.group("dmy_y"):
            return m.group("dmy") + str(int(m.group("dmy_y")) + self.year_offset)
        if m.group("my_y"):
            return m.group("my") + str(int(m.group("my_y")) + self.year_offset)
        if m.group("year"):
            return str(int(m.group("year")) + self.year_offset)
        return self._figure(m.group("num"), m.group("pct") or "")

    def _figure(self, tok: str, pct: str) -> str:
        """A nearby figure written like `tok`: same digit count, separators, decimals."""
        digits = tok.replace(".", "").replace(",", "")
        grouped = len(digits) != len(tok)
        if (not pct and not grouped and len(digits) <= 3) or (len(digits) > 1 and digits[0] == "0"):
            return tok + pct            # days, months, small counts, codes, phone numbers
        value = int(digits)
        lo, hi = 10 ** (len(digits) - 1), 10 ** len(digits) - 1
        if len(digits) == 1:
            lo = 1
        spread = 0.07 if pct else 0.3
        new = round(value * self.rng.uniform(1 - spread, 1 + spread))
        if pct:
            # keep a percent at most 100 if it was, with the same decimals
            decimals = len(tok) - max(tok.rfind(","), tok.rfind(".")) - 1 if grouped else 0
            cap = 100 * 10 ** decimals
            if value <= cap:
                hi = min(hi, cap)
        if not lo <= new <= hi:
            new = value if lo <= value <= hi else max(lo, min(hi, new))
        out, i = [], 0
        s = str(new).rjust(len(digits), "0")
        for ch in tok:
            if ch in ".,":
                out.append(ch)
            else:
                out.append(s[i])
                i += 1
        return "".join(out) + pct


def _max_year(text: str) -> int:
    years = [int(y) for y in regex.findall(r"(?<!\d)(?:19|20)\d{2}(?!\d)", text)
             if 1990 <= int(y) <= 2030]
    return max(years) if years else 2020


def make_document(rng: random.Random, main: Template, others: list[Template],
                  gaz: Gazetteer) -> str:
    """One generated document: `main` lengthened with borrowed paragraphs, then rewritten."""
    target = target_length(rng)
    chunks = main.chunks()
    places = dict(main.places)
    people = list(main.people)
    borrowed: list[str] = []
    length = len(main.text)
    pool = [(t, p) for t in others for p in t.body_paragraphs()]
    while length < target and pool:
        t, para = rng.choice(pool)
        borrowed.append(para)
        length += len(para) + 2
        for name, v in t.places.items():
            if _contains(para, name) or _contains(para, name.upper()):
                places.setdefault(name, v)
        people.extend(n for n in t.people if n in para and n not in people)
    if borrowed:
        # after the middle of the body, so headers and signature blocks stay in place
        at = max(1, min(len(chunks) - 1, (len(chunks) + 1) // 2))
        chunks = chunks[:at] + borrowed + chunks[at:]
    text = "\n\n".join(chunks)
    offset = rng.randint(-7, max(-7, 2025 - _max_year(text)))
    return _Rewriter(rng, gaz, places, people, offset)(text)


# --- a folder of them ------------------------------------------------------------------

def generate(out: str | os.PathLike, n: int = 10_000, *, pdfs: int = 0, seed: int = 1,
             corpus: str | os.PathLike = DEFAULT_CORPUS) -> dict:
    """Write `n` text documents to OUT/text and `pdfs` PDFs to OUT/pdf; return the manifest.

    Existing files of a previous run in those two folders are replaced.
    """
    out, corpus = Path(out), Path(corpus)
    gaz = Gazetteer.load()
    templates = load_templates(corpus, gaz)
    rng = random.Random(seed)
    text_dir = out / TEXT_DIR
    for d in (text_dir, out / PDF_DIR):
        if d.exists():
            shutil.rmtree(d)
    text_dir.mkdir(parents=True)
    width = max(5, len(str(n)))
    chars = 0
    shard = 1000
    for i in range(n):
        main = templates[rng.randrange(len(templates))]
        others = [t for t in templates if t is not main]
        text = make_document(rng, main, others, gaz)
        chars += len(text)
        sub = text_dir / f"{i // shard:03d}"
        if i % shard == 0:
            sub.mkdir(exist_ok=True)
        (sub / f"{i:0{width}d}-{main.name}{main.ext}").write_text(text, encoding="utf-8")
    pdf_sources = sorted(corpus.glob("*.pdf"))
    if pdfs and pdf_sources:
        (out / PDF_DIR).mkdir(parents=True)
        for i in range(pdfs):
            src = pdf_sources[i % len(pdf_sources)]
            shutil.copyfile(src, out / PDF_DIR / f"{i:05d}-{src.name}")
    manifest = {"seed": seed, "documents": n, "characters": chars, "pdfs": pdfs if pdf_sources else 0,
                "templates": [t.name + t.ext for t in templates], "corpus": str(corpus)}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                       encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="folder to write (OUT/text, OUT/pdf, OUT/manifest.json)")
    ap.add_argument("-n", "--documents", type=int, default=10_000)
    ap.add_argument("--pdfs", type=int, default=0, help="copies of corpus PDFs to add")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="templates folder")
    a = ap.parse_args(argv)
    m = generate(a.out, a.documents, pdfs=a.pdfs, seed=a.seed, corpus=a.corpus)
    print(f"{m['documents']} documents, {m['characters']:,} characters, {m['pdfs']} PDFs "
          f"-> {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
