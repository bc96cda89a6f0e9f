"""A caption as a narrator says it: math read as words, numbers as a person says them.

:func:`spoken` turns a written caption (``∂L/∂w = −(2/N) Σ x_i (y_i − ŷ_i)``) into the text a
voice reads (``the partial derivative of L with respect to w equals minus 2 over N times the
sum of x i times, y i minus y hat i``). It takes the math typed as code (``x_i``, ``w_1``,
``w^2``) and typed in Unicode (``xᵢ``, ``w₁``, ``w²``) alike. Numbers stay in digits where
eSpeak NG and the engines built on it read them right (``36.15``: "thirty-six point one
five"; ``1,024``: "one thousand and twenty-four"); what they misread is written out: a minus
sign, powers of ten (``1e-3``, ``8.35e6``), a pair of numbers in parentheses. No symbol is left
for a voice to stumble on. Pure Python: no engine is needed to compute it.
"""

from __future__ import annotations

import re
import unicodedata

#: Letters a voice should name, not sound out.
GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "η": "eta",
    "θ": "theta",
    "λ": "lambda",
    "μ": "mu",
    "ρ": "rho",
    "σ": "sigma",
    "τ": "tau",
    "Δ": "delta",
}
_SUB = str.maketrans("₀₁₂₃₄₅₆₇₈₉ᵢⱼₖₙₜ", "0123456789ijknt")
_SUP_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉ᵢⱼₖₙₜ"
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"
#: Words of the captions that a voice would spell or misread, as a person says them.
WORDS = {
    "mse": "mean squared error",
    "half-mse": "half the mean squared error",
    "mae": "mean absolute error",
    "gd": "gradient descent",
    "sgd": "stochastic gradient descent",
    "sd": "standard deviation",
    "std": "standard deviation",
    "lr": "learning rate",
    "vs": "versus",
    "e.g.": "for example",
    "i.e.": "that is",
}
_ORDINAL = {"0": "nought", "1": "one", "2": "two", "3": "three", "t": "t", "i": "i"}
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"


def _sub_word(s: str) -> str:
    """A subscript as said after its letter: ``0`` -> nought, ``i`` -> i."""
    return " ".join(_ORDINAL.get(ch, ch) for ch in s)


def normalize(text: str) -> str:
    """Unicode math folded to one form: subscripts as ``_i``, powers as ``^2``, hats as
    ``^hat``, the minus sign as ``-``."""
    # Hats (ŷ, ŝ, m̂) become one marker after their letter; other accents are kept.
    text = unicodedata.normalize("NFD", text).replace("\u0302", "\u2038")
    text = unicodedata.normalize("NFC", text)
    # Runs of Unicode subscripts and superscripts become _x and ^x.
    text = re.sub(f"[{_SUBSCRIPTS}]+", lambda m: "_" + m.group(0).translate(_SUB), text)
    text = re.sub(
        f"[{_SUPERSCRIPTS}]+", lambda m: "^" + m.group(0).translate(_SUP_DIGITS) + " ", text
    )
    for dash in ("\u2212", "\u2013", "\u2012"):
        text = text.replace(dash, "-" if dash == "\u2212" else " - ")
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _sci(m: re.Match[str]) -> str:
    mant, exp = m.group(1), int(m.group(2))
    sign = "minus " if exp < 0 else ""
    if mant in ("1", "1.0"):
        return f"ten to the {sign}{abs(exp)}"
    return f"{mant} times ten to the {sign}{abs(exp)}"


def _math(text: str) -> str:
    """Formulas as words; runs before numbers and symbols are read."""
    t = text
    # Derivatives first: ∂L/∂w, H_δ'(…), then named functions.
    t = re.sub(r"∂(\w)\s*/\s*∂(\w)", r" the partial derivative of \1 with respect to \2 ", t)
    # The gradient, and a rate times it: η∇L -> eta times the gradient of L.
    t = re.sub(r"\bgradient\s+∇", "gradient ∇", t)
    t = re.sub(r"gradient ∇\s*(\w)", r"gradient of \1", t)
    t = re.sub(r"(?<=[^\W\d_])∇", " times ∇", t)
    t = re.sub(r"∇\s*(\w)", r" the gradient of \1 ", t)
    t = t.replace("∇", " the gradient ")
    t = re.sub(r"(\w)_(\w)['′]", r"\1 \2 prime", t)
    t = re.sub(r"(\w)['′]\(", r"\1 prime of (", t)
    t = re.sub(r"(\w)′", r"\1 prime", t)
    t = re.sub(r"\bsign\(", "the sign of (", t)
    t = re.sub(r"\|e\|", " the absolute value of e ", t)
    t = re.sub(r"\|·\|", " the absolute value ", t)
    t = re.sub(r"\|([^|\s]{1,12})\|", r" the absolute value of \1 ", t)
    # An interval [a, b].
    t = re.sub(r"\[([^\]\[,]{1,20}),\s*([^\]\[,]{1,20})\]", r" the range \1 to \2 ", t)
    # Hats and subscripts: ŷ_i -> y hat i, w_0 -> w nought, H_δ -> H delta.
    t = re.sub(r"(\w)\u2038", r"\1 hat ", t)
    t = re.sub(r"(\w)_\{?(\w+)\}?", lambda m: f"{m.group(1)} {_sub_word(m.group(2))} ", t)
    # Powers: w^2, g², (x)^2, 10^-3.
    t = re.sub(r"\^\(?\s*2\)?(?!\d)", " squared ", t)
    t = re.sub(r"\^\(?\s*3\)?(?!\d)", " cubed ", t)
    t = re.sub(r"\^\(?\s*(-?\d+)\)?", lambda m: f" to the power {m.group(1)} ", t)
    # Fractions: 1/(2N), (2/N), (λ/2).
    t = re.sub(r"(\w+)\s*/\s*\((\w+)\)", r"\1 over \2", t)
    t = re.sub(r"(?<![\w.])(\d+|\w)\s*/\s*(\d+|\w)(?![\w.])", r"\1 over \2", t)
    # Products written by juxtaposition: 2(…), x_i (…), (2/N) Σ.
    t = re.sub(r"(\d)\(", r"\1 times (", t)
    t = re.sub(r"(\b[A-Za-z]\s+(?:i|nought|one|two))\s+\(", r"\1 times (", t)
    t = re.sub(r"\)\s*Σ\s*", ") times the sum of ", t)
    t = re.sub(r"Σ\s*", " the sum of ", t)
    return t


def _numbers(text: str) -> str:
    """Numbers a voice would misread, in words."""
    t = text
    t = re.sub(r"(\d+(?:\.\d+)?)[eE]([+-]?\d+)\b", _sci, t)
    # A pair of numbers in parentheses: (0, 73,673) -> 0 and 73,673.
    t = re.sub(
        rf"\(\s*(-?{_NUMBER})\s*,\s*(-?{_NUMBER})\s*\)",
        r" the point \1 and \2 ",
        t,
    )
    # A sign before a number, a letter or a bracket.
    t = re.sub(r"(^|[\s(=,:;\[])-\s*(?=[\d\w(.])", r"\1 minus ", t)
    t = re.sub(r"(^|[\s(=,:;\[])\+\s*(?=[\d\w(.])", r"\1 plus ", t)
    t = re.sub(r"(\d)\s*%", r"\1 percent", t)
    t = re.sub(r"(\d(?:\.\d+)?)x\b", r"\1 times", t)
    return t


_SYMBOLS = [
    ("±", " plus or minus "),
    ("≈", " is about "),
    ("≠", " is not "),
    ("≥", " at least "),
    ("≤", " at most "),
    (">=", " at least "),
    ("<=", " at most "),
    ("→", " becomes "),
    ("->", " becomes "),
    ("·", " times "),
    ("×", " times "),
    ("=", " equals "),
    ("<", " less than "),
    (">", " greater than "),
    ("+", " plus "),
    (" - ", " minus "),
    ("∞", " infinity "),
    ("…", ", "),
    ("—", ", "),
    ("&", " and "),
]


def _symbols(text: str) -> str:
    t = text
    for sym, word in _SYMBOLS:
        t = t.replace(sym, word)
    for letter, name in GREEK.items():
        t = re.sub(rf"(?<![A-Za-z]){letter}(?=\w)", f"{name} ", t)
        t = t.replace(letter, f" {name} ")
    # Letters glued to Greek names or numbers, as in λw or 2N: said apart.
    t = re.sub(r"\b(\d+)([A-Za-z])\b", r"\1 \2", t)
    return t


def _words(text: str) -> str:
    def word(m: re.Match[str]) -> str:
        w = m.group(0)
        return WORDS.get(w.lower(), w)

    return re.sub(r"(?<![\w-])(?:half-mse|e\.g\.|i\.e\.|[A-Za-z]+)(?![\w-])", word, text)


_OPERATORS = re.compile(r"\b(?:over|times|plus|minus|squared)\b")


def _group(inside: str) -> str:
    """A bracketed group: short math is read straight through, anything else between
    pauses."""
    if len(inside.split()) <= 4 and "," not in inside and _OPERATORS.search(inside):
        return f" {inside} "
    return f", {inside}, "


def _tidy(text: str) -> str:
    """Brackets become pauses; no symbol is left that a voice would name."""
    # A short group is read through; a longer one is set off by pauses.
    t = re.sub(r"\(([^()]*)\)", lambda m: _group(m.group(1)), text)
    t = re.sub(r"\s*\(\s*", ", ", t)
    t = re.sub(r"\s*\)\s*", ", ", t)
    t = re.sub(r"(?<=[A-Za-z])['’](?=[A-Za-z])", "\x00", t)  # apostrophes in words stay
    t = re.sub(r"[\[\]{}|_^\\'’\"`~*#@$]", " ", t).replace("\x00", "'")
    t = re.sub(r"\s+", " ", t)
    t = re.sub(r"\s+([,.;:!?])", r"\1", t)
    t = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", t)
    t = re.sub(r",\s*([.;:!?])", r"\1", t)
    t = re.sub(r"^[\s,;:]+|[\s,;:]+$", "", t)
    return t.strip()


def spoken(text: str) -> str:
    """``text`` (a caption) as a narrator reads it aloud."""
    t = normalize(text)
    t = _math(t)
    t = _numbers(t)
    t = _symbols(t)
    t = _words(t)
    return _tidy(t)


#: What may be left in a spoken text: letters (any script), digits, spaces and sentence
#: punctuation.
SPEAKABLE = re.compile(r"^(?:[^\W_]|[ ,.;:!?'\-])*$")


def speakable(text: str) -> bool:
    """Whether ``text`` holds nothing but words, digits and sentence punctuation."""
    return bool(SPEAKABLE.match(text))
