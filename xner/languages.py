"""Language codes: FLORES-200 (``eng_Latn``) everywhere; ISO 639-1, ISO 639-3 and BCP-47-style tags are mapped.

:func:`normalise_language` accepts, case-insensitively:

* a FLORES-200 code: ``eng_Latn``, ``ZHO_HANT``;
* an ISO 639-1 code: ``en``, ``es``; an ISO 639-3 (or 639-2/B) code: ``eng``, ``spa``, ``ger``;
  macrolanguages map to the variety FLORES-200 covers (``ara``/``ar`` -> ``arb_Arab``, ``fas`` -> ``pes_Arab``,
  ``msa``/``ms`` -> ``zsm_Latn``, ``swa``/``sw`` -> ``swh_Latn``); a language written in several scripts maps
  to its first-listed default (``zho`` -> ``zho_Hans``, ``kas`` -> ``kas_Arab``);
* a language plus a script or region: ``zh-Hant``, ``sr_Cyrl``, ``pt-BR`` (the region is ignored, except
  ``zh-TW``/``zh-HK``/``zh-MO`` -> ``zho_Hant``).

Anything else is an :class:`UnknownLanguageError` that suggests the nearest valid codes (difflib), also matching
English language names (``Spanish`` -> ``spa_Latn``).

The table holds the 204 codes of FLORES-200. The NLLB-200 checkpoints use 202 of them as tokens; they lack
``arb_Latn`` and ``min_Arab`` and name Santali ``sat_Beng`` where FLORES-200 says ``sat_Olck``
(``sat_Beng`` is accepted as an alias).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from xner.defaults import SUGGESTIONS
from xner.errors import InputError

# code <TAB> ISO 639-1 (or "-") <TAB> English name. The ISO 639-1 code is given for one variety only.
_TABLE = """\
ace_Arab	-	Acehnese (Arabic script)
ace_Latn	-	Acehnese (Latin script)
acm_Arab	-	Mesopotamian Arabic
acq_Arab	-	Ta'izzi-Adeni Arabic
aeb_Arab	-	Tunisian Arabic
afr_Latn	af	Afrikaans
ajp_Arab	-	South Levantine Arabic
aka_Latn	ak	Akan
amh_Ethi	am	Amharic
apc_Arab	-	North Levantine Arabic
arb_Arab	ar	Modern Standard Arabic
arb_Latn	-	Modern Standard Arabic (Romanized)
ars_Arab	-	Najdi Arabic
ary_Arab	-	Moroccan Arabic
arz_Arab	-	Egyptian Arabic
asm_Beng	as	Assamese
ast_Latn	-	Asturian
awa_Deva	-	Awadhi
ayr_Latn	ay	Central Aymara
azb_Arab	-	South Azerbaijani
azj_Latn	az	North Azerbaijani
bak_Cyrl	ba	Bashkir
bam_Latn	bm	Bambara
ban_Latn	-	Balinese
bel_Cyrl	be	Belarusian
bem_Latn	-	Bemba
ben_Beng	bn	Bengali
bho_Deva	-	Bhojpuri
bjn_Arab	-	Banjar (Arabic script)
bjn_Latn	-	Banjar (Latin script)
bod_Tibt	bo	Standard Tibetan
bos_Latn	bs	Bosnian
bug_Latn	-	Buginese
bul_Cyrl	bg	Bulgarian
cat_Latn	ca	Catalan
ceb_Latn	-	Cebuano
ces_Latn	cs	Czech
cjk_Latn	-	Chokwe
ckb_Arab	-	Central Kurdish
crh_Latn	-	Crimean Tatar
cym_Latn	cy	Welsh
dan_Latn	da	Danish
deu_Latn	de	German
dik_Latn	-	Southwestern Dinka
dyu_Latn	-	Dyula
dzo_Tibt	dz	Dzongkha
ell_Grek	el	Greek
eng_Latn	en	English
epo_Latn	eo	Esperanto
est_Latn	et	Estonian
eus_Latn	eu	Basque
ewe_Latn	ee	Ewe
fao_Latn	fo	Faroese
fij_Latn	fj	Fijian
fin_Latn	fi	Finnish
fon_Latn	-	Fon
fra_Latn	fr	French
fur_Latn	-	Friulian
fuv_Latn	ff	Nigerian Fulfulde
gla_Latn	gd	Scottish Gaelic
gle_Latn	ga	Irish
glg_Latn	gl	Galician
grn_Latn	gn	Guarani
guj_Gujr	gu	Gujarati
hat_Latn	ht	Haitian Creole
hau_Latn	ha	Hausa
heb_Hebr	he	Hebrew
hin_Deva	hi	Hindi
hne_Deva	-	Chhattisgarhi
hrv_Latn	hr	Croatian
hun_Latn	hu	Hungarian
hye_Armn	hy	Armenian
ibo_Latn	ig	Igbo
ilo_Latn	-	Ilocano
ind_Latn	id	Indonesian
isl_Latn	is	Icelandic
ita_Latn	it	Italian
jav_Latn	jv	Javanese
jpn_Jpan	ja	Japanese
kab_Latn	-	Kabyle
kac_Latn	-	Jingpho
kam_Latn	-	Kamba
kan_Knda	kn	Kannada
kas_Arab	ks	Kashmiri (Arabic script)
kas_Deva	-	Kashmiri (Devanagari script)
kat_Geor	ka	Georgian
knc_Arab	-	Central Kanuri (Arabic script)
knc_Latn	kr	Central Kanuri (Latin script)
kaz_Cyrl	kk	Kazakh
kbp_Latn	-	Kabiyè
kea_Latn	-	Kabuverdianu
khm_Khmr	km	Khmer
kik_Latn	ki	Kikuyu
kin_Latn	rw	Kinyarwanda
kir_Cyrl	ky	Kyrgyz
kmb_Latn	-	Kimbundu
kmr_Latn	ku	Northern Kurdish
kon_Latn	kg	Kikongo
kor_Hang	ko	Korean
lao_Laoo	lo	Lao
lij_Latn	-	Ligurian
lim_Latn	li	Limburgish
lin_Latn	ln	Lingala
lit_Latn	lt	Lithuanian
lmo_Latn	-	Lombard
ltg_Latn	-	Latgalian
ltz_Latn	lb	Luxembourgish
lua_Latn	-	Luba-Kasai
lug_Latn	lg	Ganda
luo_Latn	-	Luo
lus_Latn	-	Mizo
lvs_Latn	lv	Standard Latvian
mag_Deva	-	Magahi
mai_Deva	-	Maithili
mal_Mlym	ml	Malayalam
mar_Deva	mr	Marathi
min_Arab	-	Minangkabau (Arabic script)
min_Latn	-	Minangkabau (Latin script)
mkd_Cyrl	mk	Macedonian
plt_Latn	mg	Plateau Malagasy
mlt_Latn	mt	Maltese
mni_Beng	-	Meitei (Bengali script)
khk_Cyrl	mn	Halh Mongolian
mos_Latn	-	Mossi
mri_Latn	mi	Maori
mya_Mymr	my	Burmese
nld_Latn	nl	Dutch
nno_Latn	nn	Norwegian Nynorsk
nob_Latn	nb	Norwegian Bokmål
npi_Deva	ne	Nepali
nso_Latn	-	Northern Sotho
nus_Latn	-	Nuer
nya_Latn	ny	Nyanja
oci_Latn	oc	Occitan
gaz_Latn	om	West Central Oromo
ory_Orya	or	Odia
pag_Latn	-	Pangasinan
pan_Guru	pa	Eastern Panjabi
pap_Latn	-	Papiamento
pes_Arab	fa	Western Persian
pol_Latn	pl	Polish
por_Latn	pt	Portuguese
prs_Arab	-	Dari
pbt_Arab	ps	Southern Pashto
quy_Latn	qu	Ayacucho Quechua
ron_Latn	ro	Romanian
run_Latn	rn	Rundi
rus_Cyrl	ru	Russian
sag_Latn	sg	Sango
san_Deva	sa	Sanskrit
sat_Olck	-	Santali
scn_Latn	-	Sicilian
shn_Mymr	-	Shan
sin_Sinh	si	Sinhala
slk_Latn	sk	Slovak
slv_Latn	sl	Slovenian
smo_Latn	sm	Samoan
sna_Latn	sn	Shona
snd_Arab	sd	Sindhi
som_Latn	so	Somali
sot_Latn	st	Southern Sotho
spa_Latn	es	Spanish
als_Latn	sq	Tosk Albanian
srd_Latn	sc	Sardinian
srp_Cyrl	sr	Serbian
ssw_Latn	ss	Swati
sun_Latn	su	Sundanese
swe_Latn	sv	Swedish
swh_Latn	sw	Swahili
szl_Latn	-	Silesian
tam_Taml	ta	Tamil
tat_Cyrl	tt	Tatar
tel_Telu	te	Telugu
tgk_Cyrl	tg	Tajik
tgl_Latn	tl	Tagalog
tha_Thai	th	Thai
tir_Ethi	ti	Tigrinya
taq_Latn	-	Tamasheq (Latin script)
taq_Tfng	-	Tamasheq (Tifinagh script)
tpi_Latn	-	Tok Pisin
tsn_Latn	tn	Tswana
tso_Latn	ts	Tsonga
tuk_Latn	tk	Turkmen
tum_Latn	-	Tumbuka
tur_Latn	tr	Turkish
twi_Latn	tw	Twi
tzm_Tfng	-	Central Atlas Tamazight
uig_Arab	ug	Uyghur
ukr_Cyrl	uk	Ukrainian
umb_Latn	-	Umbundu
urd_Arab	ur	Urdu
uzn_Latn	uz	Northern Uzbek
vec_Latn	-	Venetian
vie_Latn	vi	Vietnamese
war_Latn	-	Waray
wol_Latn	wo	Wolof
xho_Latn	xh	Xhosa
ydd_Hebr	yi	Eastern Yiddish
yor_Latn	yo	Yoruba
yue_Hant	-	Yue Chinese
zho_Hans	zh	Chinese (Simplified)
zho_Hant	-	Chinese (Traditional)
zsm_Latn	ms	Standard Malay
zul_Latn	zu	Zulu
"""


def _parse_table() -> tuple[dict[str, str], dict[str, str]]:
    names: dict[str, str] = {}
    iso1: dict[str, str] = {}
    for line in _TABLE.splitlines():
        code, two, name = line.split("\t")
        names[code] = name
        if two != "-":
            iso1[two] = code
    return names, iso1


#: FLORES-200 code -> English name, in the order of the FLORES-200 release.
LANGUAGE_NAMES, _ISO1 = _parse_table()

#: The 204 FLORES-200 codes.
FLORES200_CODES: tuple[str, ...] = tuple(LANGUAGE_NAMES)

#: ISO 639-1 codes with no row of their own: aliases and macrolanguages.
_ISO1_EXTRA = {"no": "nob_Latn", "iw": "heb_Hebr", "in": "ind_Latn", "ji": "ydd_Hebr"}

#: ISO 639-3 macrolanguage and ISO 639-2/B codes -> the FLORES-200 variety.
_ISO3_ALIASES = {
    "ara": "arb_Arab", "fas": "pes_Arab", "per": "pes_Arab", "msa": "zsm_Latn", "may": "zsm_Latn",
    "lav": "lvs_Latn", "mon": "khk_Cyrl", "mlg": "plt_Latn", "orm": "gaz_Latn", "sqi": "als_Latn",
    "alb": "als_Latn", "swa": "swh_Latn", "uzb": "uzn_Latn", "yid": "ydd_Hebr", "pus": "pbt_Arab",
    "nep": "npi_Deva", "ori": "ory_Orya", "aze": "azj_Latn", "kur": "kmr_Latn", "chi": "zho_Hans",
    "cmn": "zho_Hans", "nor": "nob_Latn", "kau": "knc_Latn", "aym": "ayr_Latn", "que": "quy_Latn",
    "ful": "fuv_Latn", "est": "est_Latn", "ger": "deu_Latn", "fre": "fra_Latn", "dut": "nld_Latn",
    "cze": "ces_Latn", "gre": "ell_Grek", "arm": "hye_Armn", "geo": "kat_Geor", "ice": "isl_Latn",
    "mac": "mkd_Cyrl", "rum": "ron_Latn", "slo": "slk_Latn", "wel": "cym_Latn", "baq": "eus_Latn",
    "bur": "mya_Mymr", "tib": "bod_Tibt", "mao": "mri_Latn", "zlm": "zsm_Latn", "fil": "tgl_Latn",
    "sat": "sat_Olck",
}  # fmt: skip

#: Codes used by models for a FLORES-200 variety under another name.
CODE_ALIASES = {"sat_Beng": "sat_Olck"}

#: Regions of Chinese written in traditional characters.
_TRADITIONAL_REGIONS = {"tw", "hk", "mo"}

PIVOT = "eng_Latn"
"""The pivot language of translate-test (sentences are translated into it, tagged there and projected back)."""

#: Languages written without spaces between words (joined without a separator when re-assembling text).
NO_SPACE_LANGUAGES = frozenset({"jpn_Jpan", "zho_Hans", "zho_Hant", "yue_Hant", "tha_Thai", "lao_Laoo", "khm_Khmr",
                                "mya_Mymr", "bod_Tibt", "dzo_Tibt", "shn_Mymr"})  # fmt: skip


def _default_by_prefix() -> dict[str, str]:
    defaults: dict[str, str] = {}
    for code in FLORES200_CODES:  # first listed script wins, except where 639-1 names a preferred one
        defaults.setdefault(code[:3], code)
    for code in _ISO1.values():
        defaults[code[:3]] = code
    defaults.update({"ace": "ace_Latn", "bjn": "bjn_Latn", "min": "min_Latn", "taq": "taq_Latn"})
    return defaults


_BY_PREFIX = _default_by_prefix()
_BY_LOWER = {code.lower(): code for code in FLORES200_CODES} | {k.lower(): v for k, v in CODE_ALIASES.items()}
_TAG_RE = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{4}))?(?:[-_]([A-Za-z]{2}|\d{3}))?$")


class UnknownLanguageError(InputError):
    """A language code that is neither FLORES-200 nor a mappable ISO code; the message suggests near ones."""

    type_name = "unknown_name"

    def __init__(self, code: str, suggestions: Iterable[str], reason: str | None = None) -> None:
        self.suggestions = list(suggestions)
        message = f"unknown language {code!r}"
        if reason:
            message += f" ({reason})"
        if self.suggestions:
            message += "; did you mean " + ", ".join(self.suggestions) + "?"
        message += " Use a FLORES-200 code such as eng_Latn, or an ISO 639-1/639-3 code such as en or eng."
        super().__init__(
            message,
            details={"kind": "language", "name": code, "suggestions": self.suggestions},
        )


def _base_code(lang: str) -> str | None:
    """The default FLORES-200 code of an ISO 639-1/639-3 language subtag, or ``None``."""
    lang = lang.lower()
    if len(lang) == 2:
        return _ISO1.get(lang) or _ISO1_EXTRA.get(lang)
    return _ISO3_ALIASES.get(lang) or _BY_PREFIX.get(lang)


def normalise_language(code: str) -> str:
    """Return the FLORES-200 code for ``code`` (see the module docstring); raise :class:`UnknownLanguageError`."""
    text = code.strip()
    exact = _BY_LOWER.get(text.lower())
    if exact is not None:
        return exact
    match = _TAG_RE.match(text)
    if match is not None:
        lang, script, region = match.groups()
        base = _base_code(lang)
        if base is not None:
            if script is not None:
                scripted = _BY_LOWER.get(f"{base[:3]}_{script}".lower())
                if scripted is None:
                    variants = [c for c in FLORES200_CODES if c.startswith(base[:3] + "_")]
                    raise UnknownLanguageError(code, variants, reason=f"no {script.title()} variety in FLORES-200")
                return scripted
            if base == "zho_Hans" and region is not None and region.lower() in _TRADITIONAL_REGIONS:
                return "zho_Hant"
            return base
    raise UnknownLanguageError(code, suggest_languages(code))


def suggest_languages(code: str, n: int = SUGGESTIONS) -> list[str]:
    """The FLORES-200 codes nearest to ``code``: by code, by ISO code and by English name."""
    key = code.strip().lower()
    candidates: dict[str, str] = {c.lower(): c for c in FLORES200_CODES}
    candidates.update(_BY_PREFIX)
    candidates.update(_ISO1)
    candidates.update({name.lower(): full for full, name in LANGUAGE_NAMES.items()})
    seen: list[str] = []
    for near in difflib.get_close_matches(key, candidates, n=n * 3, cutoff=0.5):
        target = candidates[near]
        if target not in seen:
            seen.append(target)
    return seen[:n]


def language_name(code: str) -> str:
    """The English name of a language given in any accepted form."""
    return LANGUAGE_NAMES[normalise_language(code)]


def iso639_1(code: str) -> str | None:
    """The ISO 639-1 code of a language given in any accepted form, or ``None`` if it has none."""
    flores = normalise_language(code)
    return next((two for two, full in _ISO1.items() if full == flores), None)


def uses_spaces(code: str) -> bool:
    """Whether the language separates words with spaces (text pieces are re-joined with one space)."""
    return normalise_language(code) not in NO_SPACE_LANGUAGES
