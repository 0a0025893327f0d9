#!/usr/bin/env python3
"""Validate the satuatap demo data in this directory and print a summary.

Usage: python3 check.py [--wilayah DIR]

DIR holds regencies.csv and districts.csv (the national area codes). It defaults to
$SATUATAP_WILAYAH, then <repo>/data/wilayah, then /work/shared/data/wilayah; if none is
found the area-code checks are skipped with a warning.
Exit status is 0 when every rule passes and 1 otherwise.
"""
import csv
import datetime as dt
import os
import re
import sys
import tomllib
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))

KINDS = {"ministry_agency", "provincial_government", "regency_government", "bumn", "bumd", "private"}
MPP_STATUS = {"planned", "operating", "closed"}
SERVICE_STATUS = {"published", "draft"}
UNITS = {"minutes", "hours", "working_days", "days"}
CATEGORIES = {
    "kependudukan", "keimigrasian", "kepolisian", "perpajakan", "kendaraan", "perizinan_berusaha",
    "perizinan_bangunan", "pertanahan", "kesehatan", "jaminan_sosial", "ketenagakerjaan", "utilitas",
    "keuangan", "pendidikan", "sosial", "keagamaan", "hukum", "informasi_pengaduan", "lainnya",
}
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
FREE_ID, FREE_EN = "Tidak dipungut biaya", "Free of charge"

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CODE = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)*$")
PREFIX = re.compile(r"^[A-Z]{1,2}$")
COUNTER = re.compile(r"^[A-Z0-9]{1,6}$")
RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")

# file -> (mpp slug, min providers, min published services)
MPP_FILES = {
    "bogor.toml": ("kota-bogor", 16, 110),
    "kab-bogor.toml": ("kab-bogor", 4, 12),
    "makassar.toml": ("kota-makassar", 6, 25),
    "jayapura.toml": ("kota-jayapura", 5, 15),
}
REQUIRED_AGENCIES = {
    "ditjen-imigrasi", "polri", "ditjen-pajak", "bpjs-kesehatan", "bpjs-ketenagakerjaan", "pln",
    "atr-bpn", "kemenag", "taspen", "pegadaian", "pos-indonesia", "bri",
}

AGENCY_KEYS = {"key", "name", "name_en", "kind", "website"}
MPP_REQUIRED = {"slug", "name", "regency", "district", "address", "status"}
MPP_OPTIONAL = {"nickname", "latitude", "longitude", "phone", "email", "website", "opened_on", "hours", "closure"}
PROVIDER_REQUIRED = {"mpp", "key", "name", "name_en", "kind", "booth", "zone", "queue_prefix", "maklumat", "counters"}
PROVIDER_OPTIONAL = {"agency", "phone", "email"}
SERVICE_ALWAYS = ["provider", "code", "category", "bookable", "status", "name", "name_en", "summary", "summary_en"]
# the six public components of the service standard (UU 25/2009 art. 21)
SERVICE_PUBLIC = ["requirements", "requirements_en", "procedure", "procedure_en", "duration_value",
                  "duration_unit", "fee_free", "fee", "fee_en", "product", "product_en",
                  "complaints", "complaints_en"]
# the eight internal components
SERVICE_INTERNAL = ["legal_basis", "facilities", "competence", "supervision", "staff_count",
                    "guarantee", "security", "evaluation"]
SERVICE_OPTIONAL = ["duration_note", "duration_note_en"]
SERVICE_KEYS = set(SERVICE_ALWAYS + SERVICE_PUBLIC + SERVICE_INTERNAL + SERVICE_OPTIONAL)
PAIRS = [("name", "name_en"), ("summary", "summary_en"), ("requirements", "requirements_en"),
         ("procedure", "procedure_en"), ("duration_note", "duration_note_en"), ("fee", "fee_en"),
         ("product", "product_en"), ("complaints", "complaints_en")]


class Report:
    def __init__(self):
        self.errors, self.warnings = [], []

    def err(self, where, msg):
        self.errors.append(f"{where}: {msg}")

    def warn(self, where, msg):
        self.warnings.append(f"{where}: {msg}")


R = Report()


def load(name):
    path = os.path.join(HERE, name)
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        R.err(name, "file is missing")
    except tomllib.TOMLDecodeError as e:
        R.err(name, f"not valid TOML: {e}")
    return {}


def find_wilayah(argv):
    if "--wilayah" in argv:
        return argv[argv.index("--wilayah") + 1]
    cands = [os.environ.get("SATUATAP_WILAYAH"),
             os.path.normpath(os.path.join(HERE, "..", "..", "..", "data", "wilayah")),
             "/work/shared/data/wilayah"]
    for c in cands:
        if c and os.path.exists(os.path.join(c, "regencies.csv")):
            return c
    return None


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return {row["code"]: row for row in csv.DictReader(f)}


def time_zone(regency_code):
    prov = int(regency_code.split(".")[0])
    if prov in (51, 52, 53, 63, 64, 65) or 71 <= prov <= 76:
        return "Asia/Makassar (WITA)"
    if prov in (81, 82) or 91 <= prov <= 96:
        return "Asia/Jayapura (WIT)"
    if prov in (61, 62):
        return "Asia/Pontianak (WIB)"
    return "Asia/Jakarta (WIB)"


def check_text(where, key, value):
    """a human-readable string: non-empty, one line, tidy spacing"""
    if not isinstance(value, str):
        R.err(where, f"{key} must be a string")
        return
    if not value.strip():
        R.err(where, f"{key} is empty")
    if "\n" in value or "\r" in value:
        R.err(where, f"{key} spans several lines")
    if value != value.strip():
        R.err(where, f"{key} has leading or trailing spaces")
    if "  " in value:
        R.err(where, f"{key} contains a double space")


def check_text_list(where, key, value, lo=1, hi=None):
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        R.err(where, f"{key} must be a list of strings")
        return
    if len(value) < lo or (hi is not None and len(value) > hi):
        R.err(where, f"{key} has {len(value)} items, expected {lo}..{hi}")
    for i, x in enumerate(value):
        check_text(where, f"{key}[{i}]", x)
    if len(set(value)) != len(value):
        R.err(where, f"{key} repeats an item")


def minutes(hhmm):
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


# ----------------------------------------------------------------------------- agencies
def check_agencies(doc):
    agencies = {}
    for i, a in enumerate(doc.get("agency", [])):
        where = f"agencies.toml agency[{i}] {a.get('key', '?')}"
        for k in AGENCY_KEYS - a.keys():
            R.err(where, f"missing {k}")
        for k in a.keys() - AGENCY_KEYS:
            R.err(where, f"unknown field {k}")
        key = a.get("key", "")
        if not SLUG.match(key):
            R.err(where, "key must be a lowercase-dashes slug")
        if key in agencies:
            R.err(where, "duplicate key")
        if a.get("kind") not in KINDS:
            R.err(where, f"kind {a.get('kind')!r} is not one of {sorted(KINDS)}")
        if not str(a.get("website", "")).startswith("https://"):
            R.err(where, "website must start with https://")
        for k in ("name", "name_en"):
            if k in a:
                check_text(where, k, a[k])
        agencies[key] = a
    for k in sorted(REQUIRED_AGENCIES - agencies.keys()):
        R.err("agencies.toml", f"required agency {k} is missing")
    if "bri" in agencies and agencies["bri"].get("kind") != "bumn":
        R.err("agencies.toml", "bri must be of kind bumn")
    return agencies


# ----------------------------------------------------------------------------- mpps
def check_hours(where, hours):
    if not isinstance(hours, dict):
        R.err(where, "hours must be a table")
        return
    for day, spec in hours.items():
        if day not in DAYS:
            R.err(where, f"hours: unknown day {day!r}")
            continue
        if not isinstance(spec, str):
            R.err(where, f"hours.{day} must be a string")
            continue
        prev_end = -1
        for part in spec.split(","):
            m = RANGE.match(part)
            if not m:
                R.err(where, f"hours.{day}: {part!r} is not HH:MM-HH:MM")
                continue
            start, end = minutes(part[:5]), minutes(part[6:])
            if start >= end:
                R.err(where, f"hours.{day}: {part} ends before it starts")
            if start <= prev_end:
                R.err(where, f"hours.{day}: ranges overlap or are out of order")
            prev_end = end


def check_mpps(doc, regencies, districts):
    mpps = {}
    today = dt.date.today()
    for i, m in enumerate(doc.get("mpp", [])):
        where = f"mpps.toml mpp[{i}] {m.get('slug', '?')}"
        for k in MPP_REQUIRED - m.keys():
            R.err(where, f"missing {k}")
        for k in m.keys() - MPP_REQUIRED - MPP_OPTIONAL:
            R.err(where, f"unknown field {k}")
        slug = m.get("slug", "")
        if not SLUG.match(slug):
            R.err(where, "slug must be a lowercase-dashes slug")
        if slug in mpps:
            R.err(where, "duplicate slug")
        for k in ("name", "nickname", "address"):
            if k in m:
                check_text(where, k, m[k])
        status = m.get("status")
        if status not in MPP_STATUS:
            R.err(where, f"status {status!r} is not one of {sorted(MPP_STATUS)}")
        reg, dis = m.get("regency", ""), m.get("district", "")
        if regencies is not None:
            if reg not in regencies:
                R.err(where, f"regency {reg} is not in regencies.csv")
            if dis not in districts:
                R.err(where, f"district {dis} is not in districts.csv")
            elif districts[dis]["regency_code"] != reg:
                R.err(where, f"district {dis} belongs to {districts[dis]['regency_code']}, not {reg}")
        if status in ("operating", "closed"):
            if not isinstance(m.get("opened_on"), dt.date) or isinstance(m.get("opened_on"), dt.datetime):
                R.err(where, "opened_on (a local date) is required once an MPP has opened")
            elif m["opened_on"] > today:
                R.err(where, "opened_on is in the future")
        elif "opened_on" in m and not isinstance(m["opened_on"], dt.date):
            R.err(where, "opened_on must be a local date")
        if status == "operating" and "hours" not in m:
            R.err(where, "an operating MPP needs hours")
        if "hours" in m:
            check_hours(where, m["hours"])
        if "latitude" in m or "longitude" in m:
            lat, lon = m.get("latitude"), m.get("longitude")
            if not isinstance(lat, (int, float)) or not isinstance(lon, (int, float)):
                R.err(where, "latitude and longitude must both be numbers")
            elif not (-11.5 <= lat <= 6.5 and 94.5 <= lon <= 141.5):
                R.err(where, "coordinates fall outside Indonesia")
        if "email" in m and not re.match(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", m["email"]):
            R.err(where, "email looks malformed")
        if "website" in m and not m["website"].startswith("https://"):
            R.err(where, "website must start with https://")
        seen = set()
        for j, c in enumerate(m.get("closure", [])):
            cw = f"{where} closure[{j}]"
            if set(c.keys()) != {"date", "name"}:
                R.err(cw, "a closure has exactly date and name")
            d = c.get("date")
            if not isinstance(d, dt.date) or isinstance(d, dt.datetime):
                R.err(cw, "date must be a local date")
            elif d in seen:
                R.err(cw, "duplicate closure date")
            else:
                seen.add(d)
                if "hours" in m and DAYS[d.weekday()] not in m["hours"]:
                    R.warn(cw, f"{d} is already a closed day ({DAYS[d.weekday()]})")
            if "name" in c:
                check_text(cw, "name", c["name"])
        mpps[slug] = m
    return mpps


# ----------------------------------------------------------------------------- providers and services
def check_service(where, s, providers):
    for k in s.keys() - SERVICE_KEYS:
        R.err(where, f"unknown field {k}")
    for k in SERVICE_ALWAYS:
        if k not in s:
            R.err(where, f"missing {k}")
    status = s.get("status")
    if status not in SERVICE_STATUS:
        R.err(where, f"status {status!r} is not one of {sorted(SERVICE_STATUS)}")
    missing = [k for k in SERVICE_PUBLIC + SERVICE_INTERNAL if k not in s]
    if status == "published" and missing:
        R.err(where, f"published service lacks {', '.join(missing)}")
    if s.get("provider") not in providers:
        R.err(where, f"provider {s.get('provider')!r} is not a provider of this MPP")
    if not CODE.match(str(s.get("code", ""))):
        R.err(where, "code must be UPPERCASE letters, digits and dashes")
    if s.get("category") not in CATEGORIES:
        R.err(where, f"category {s.get('category')!r} is not a known category")
    if not isinstance(s.get("bookable"), bool):
        R.err(where, "bookable must be true or false")
    for a, b in PAIRS:
        if (a in s) != (b in s):
            R.err(where, f"{a} and {b} go together")
    for k in ("name", "name_en", "summary", "summary_en", "fee", "fee_en", "product", "product_en",
              "complaints", "complaints_en", "duration_note", "duration_note_en", "facilities",
              "competence", "supervision", "guarantee", "security", "evaluation"):
        if k in s:
            check_text(where, k, s[k])
    if "requirements" in s:
        check_text_list(where, "requirements", s["requirements"], 2, 9)
        check_text_list(where, "requirements_en", s.get("requirements_en", []), 2, 9)
        if len(s["requirements"]) != len(s.get("requirements_en", [])):
            R.err(where, "requirements and requirements_en differ in length")
    if "procedure" in s:
        check_text_list(where, "procedure", s["procedure"], 3, 8)
        check_text_list(where, "procedure_en", s.get("procedure_en", []), 3, 8)
        if len(s["procedure"]) != len(s.get("procedure_en", [])):
            R.err(where, "procedure and procedure_en differ in length")
    if ("duration_value" in s) != ("duration_unit" in s):
        R.err(where, "duration_value and duration_unit go together")
    if "duration_value" in s:
        v = s["duration_value"]
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            R.err(where, "duration_value must be an integer >= 1")
        if s.get("duration_unit") not in UNITS:
            R.err(where, f"duration_unit must be one of {sorted(UNITS)}")
    if "duration_note" in s and "duration_value" not in s:
        R.err(where, "duration_note without a duration")
    if "fee_free" in s or "fee" in s:
        if not isinstance(s.get("fee_free"), bool):
            R.err(where, "fee_free must be true or false when a fee is given")
        elif s["fee_free"]:
            if s.get("fee") != FREE_ID or s.get("fee_en") != FREE_EN:
                R.err(where, f"a free service says fee = {FREE_ID!r} and fee_en = {FREE_EN!r}")
        elif s.get("fee") == FREE_ID:
            R.err(where, "fee_free = false but the fee text says it is free")
    if "legal_basis" in s:
        check_text_list(where, "legal_basis", s["legal_basis"], 1)
    if "staff_count" in s:
        v = s["staff_count"]
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            R.err(where, "staff_count must be an integer >= 1")
    return missing


def check_mpp_file(fname, slug, min_prov, min_pub, mpps, agencies):
    doc = load(fname)
    stats = dict(providers=0, published=0, draft=0, bookable=0, incomplete_drafts=0)
    for k in doc.keys() - {"provider", "service"}:
        R.err(fname, f"unknown top-level key {k}")
    providers, prefixes, counters = {}, set(), set()
    for i, p in enumerate(doc.get("provider", [])):
        where = f"{fname} provider[{i}] {p.get('key', '?')}"
        for k in PROVIDER_REQUIRED - p.keys():
            R.err(where, f"missing {k}")
        for k in p.keys() - PROVIDER_REQUIRED - PROVIDER_OPTIONAL:
            R.err(where, f"unknown field {k}")
        if p.get("mpp") != slug:
            R.err(where, f"mpp must be {slug!r} in this file")
        key = p.get("key", "")
        if not SLUG.match(key):
            R.err(where, "key must be a lowercase-dashes slug")
        if key in providers:
            R.err(where, "duplicate provider key in this MPP")
        if p.get("kind") not in KINDS:
            R.err(where, f"kind {p.get('kind')!r} is not one of {sorted(KINDS)}")
        if "agency" in p:
            if p["agency"] not in agencies:
                R.err(where, f"agency {p['agency']!r} is not in agencies.toml")
            elif agencies[p["agency"]]["kind"] != p.get("kind"):
                R.err(where, f"kind {p.get('kind')} differs from its agency's kind {agencies[p['agency']]['kind']}")
        pre = p.get("queue_prefix", "")
        if not PREFIX.match(pre):
            R.err(where, "queue_prefix must be 1-2 uppercase letters")
        if pre in prefixes:
            R.err(where, f"queue_prefix {pre} is already used in this MPP")
        prefixes.add(pre)
        for k in ("name", "name_en", "booth", "zone", "maklumat"):
            if k in p:
                check_text(where, k, p[k])
        cs = p.get("counters", [])
        if not isinstance(cs, list) or not cs:
            R.err(where, "counters must be a non-empty list")
            cs = []
        for c in cs:
            if set(c.keys()) != {"code", "name"}:
                R.err(where, "a counter has exactly code and name")
            code = c.get("code", "")
            if not COUNTER.match(code):
                R.err(where, f"counter code {code!r} must be 1-6 uppercase letters or digits")
            if code in counters:
                R.err(where, f"counter code {code} is already used in this MPP")
            counters.add(code)
            if pre and not code.startswith(pre):
                R.warn(where, f"counter {code} does not start with the queue prefix {pre}")
        providers[key] = p
    stats["providers"] = len(providers)

    codes, per_provider = set(), Counter()
    services = []
    for i, s in enumerate(doc.get("service", [])):
        where = f"{fname} service[{i}] {s.get('code', '?')}"
        missing = check_service(where, s, providers)
        if s.get("code") in codes:
            R.err(where, "duplicate service code in this MPP")
        codes.add(s.get("code"))
        per_provider[s.get("provider")] += 1
        if s.get("status") == "published":
            stats["published"] += 1
            stats["bookable"] += bool(s.get("bookable"))
        elif s.get("status") == "draft":
            stats["draft"] += 1
            if any(k in SERVICE_PUBLIC for k in missing):
                stats["incomplete_drafts"] += 1
        services.append(s)
    for key in providers:
        if per_provider[key] == 0:
            R.err(f"{fname} provider {key}", "has no services")

    if mpps.get(slug, {}).get("status") != "operating":
        R.err(fname, f"MPP {slug} has providers but is not operating")
    if stats["providers"] < min_prov:
        R.err(fname, f"{stats['providers']} providers, at least {min_prov} required")
    if stats["published"] < min_pub:
        R.err(fname, f"{stats['published']} published services, at least {min_pub} required")
    return stats, providers, services


def main(argv):
    wil = find_wilayah(argv)
    regencies = districts = None
    if wil:
        regencies = read_csv(os.path.join(wil, "regencies.csv"))
        districts = read_csv(os.path.join(wil, "districts.csv"))
    else:
        R.warn("wilayah", "regencies.csv/districts.csv not found; area codes not checked")

    agencies = check_agencies(load("agencies.toml"))
    mpps = check_mpps(load("mpps.toml"), regencies, districts)

    all_stats, by_mpp = {}, {}
    for fname, (slug, min_prov, min_pub) in MPP_FILES.items():
        stats, providers, services = check_mpp_file(fname, slug, min_prov, min_pub, mpps, agencies)
        all_stats[fname] = stats
        by_mpp[slug] = (providers, services)

    # Kota Bogor specifics
    b = all_stats.get("bogor.toml")
    if b:
        if not 2 <= b["draft"] <= 3:
            R.err("bogor.toml", f"{b['draft']} drafts, expected 2-3")
        if b["incomplete_drafts"] < 1:
            R.err("bogor.toml", "at least one draft should leave some public components out")
        share = b["bookable"] / max(b["published"], 1)
        if not 0.25 <= share <= 0.45:
            R.err("bogor.toml", f"{share:.0%} of published services are bookable, expected about a third")
    kb = mpps.get("kota-bogor", {})
    if kb.get("nickname") != "Graha Tiyasa" or kb.get("opened_on") != dt.date(2019, 8, 26) or kb.get("regency") != "32.71":
        R.err("mpps.toml", "kota-bogor must be Graha Tiyasa, regency 32.71, opened 2019-08-26")
    if not any(s != "kota-bogor" and m.get("regency") == "32.71" for s, m in mpps.items()):
        R.err("mpps.toml", "a second location in regency 32.71 is expected")
    directory_only = [s for s in mpps if s not in by_mpp]
    if len(directory_only) < 3:
        R.err("mpps.toml", "at least three MPPs without providers are expected for the national directory")

    # cross-MPP search: the same national services at several MPPs
    def where_found(pred):
        return {slug for slug, (_, svcs) in by_mpp.items()
                if any(s.get("status") == "published" and pred(s) for s in svcs)}
    paspor = where_found(lambda s: "paspor" in s.get("name", "").lower())
    for slug in ("kota-bogor", "kota-makassar", "kota-jayapura"):
        if slug not in paspor:
            R.err("cross-MPP", f"no passport service at {slug}")
    for label, pred in [("SKCK", lambda s: "SKCK" in s.get("name", "")),
                        ("SIM", lambda s: re.search(r"\bSIM [AC]\b", s.get("name", "")) is not None)]:
        if len(where_found(pred)) < 2:
            R.err("cross-MPP", f"{label} is offered at fewer than two MPPs")
    bpjs = {slug for slug, (provs, _) in by_mpp.items()
            if any(p.get("agency", "").startswith("bpjs-") for p in provs.values())}
    if len(bpjs) < 2:
        R.err("cross-MPP", "BPJS is present at fewer than two MPPs")

    # ---------------------------------------------------------------- summary
    print("satuatap demo data")
    print(f"  agencies: {len(agencies)}")
    print(f"  MPPs: {len(mpps)} ({', '.join(f'{k} {v}' for k, v in sorted(Counter(m.get('status') for m in mpps.values()).items()))})")
    for slug, m in mpps.items():
        tag = "providers" if slug in by_mpp else "directory only"
        print(f"    {slug:<18} {m.get('regency')}  {time_zone(m.get('regency', '0.0')):<22} {m.get('status'):<9} {tag}")
    print("  per file:            providers  published  draft  bookable")
    tot = Counter()
    for fname, s in all_stats.items():
        tot.update(s)
        print(f"    {fname:<18} {s['providers']:>9}  {s['published']:>9}  {s['draft']:>5}  {s['bookable']:>8}")
    print(f"    {'total':<18} {tot['providers']:>9}  {tot['published']:>9}  {tot['draft']:>5}  {tot['bookable']:>8}")
    cats = Counter(s.get("category") for _, svcs in by_mpp.values() for s in svcs if s.get("status") == "published")
    print("  categories used: " + ", ".join(f"{c} {n}" for c, n in sorted(cats.items())))
    print(f"  passport services at: {', '.join(sorted(paspor))}")
    for w in R.warnings:
        print(f"  warning: {w}")
    if R.errors:
        print(f"\n{len(R.errors)} problem(s):")
        for e in R.errors:
            print(f"  - {e}")
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
