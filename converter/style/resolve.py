"""Resolving a loaded style sheet into frozen values in points that writers only read."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path

from ..errors import StyleError
from ..fonts.find import FontFace, first_installed
from .page_numbers import SIDES, double_sided
from .settings import Setting, WriterSettings
from .sheet import ROLES, writer_sections
from .units import MAX_SIZE, PAGE_SIZES_MM, POINTS_PER, checked, to_points

ALIGNS = ("left", "right", "center", "justify")


@dataclass(frozen=True)
class Fonts:
    """The installed faces a role uses: one for Latin script, one for CJK.

    Looked up (fontconfig) the first time a writer asks for ``latin`` or ``cjk``, not when the
    style is resolved: a build that draws nothing never runs fontconfig. Two Fonts are equal
    when they were asked the same way (the same lists, weight and slant), so equal roles stay
    equal, and the lookup gives the same faces for both.
    """

    family: str  # the style sheet's family key, e.g. "fangsong"
    latin_names: tuple[str, ...]
    cjk_names: tuple[str, ...]
    bold: bool = False
    italic: bool = False
    #: for a bold or italic variant: the role's own fonts, kept where no such face is installed
    base: "Fonts | None" = None
    sheet: str | None = field(default=None, compare=False)  # the style file, for the error when nothing is installed

    @cached_property
    def _faces(self) -> tuple[FontFace, FontFace]:
        latin = first_installed(list(self.latin_names), self.bold, self.italic)
        cjk = first_installed(list(self.cjk_names), self.bold, self.italic)
        if self.base is not None:
            return latin or self.base.latin, cjk or self.base.cjk
        latin = latin or cjk
        cjk = cjk or latin
        if cjk is None:
            tried = ", ".join(self.cjk_names + self.latin_names)
            raise StyleError(f"no font of family {self.family!r} is installed (tried: {tried})", self.sheet)
        return latin, cjk

    @property
    def latin(self) -> FontFace:
        return self._faces[0]

    @property
    def cjk(self) -> FontFace:
        return self._faces[1]


@dataclass(frozen=True)
class Role:
    """A named paragraph or character role with every value resolved (lengths in points)."""

    name: str
    fonts: Fonts
    size: float
    bold: bool
    italic: bool
    align: str
    first_line_indent: float
    left_indent: float
    right_indent: float
    line_pitch: float
    space_before: float
    space_after: float
    keep_with_next: bool
    color: str  # "#rrggbb"
    #: the Pygments style that colours code blocks with a language (text.highlight); None: none
    highlight: str | None = None


@dataclass(frozen=True)
class PageNumber:
    format: str  # "— {n} —"
    fonts: Fonts
    size: float
    position: str  # outside | inside | center | left | right
    indent: float
    distance: float  # from the bottom of the type area to the number's baseline region
    first_page: bool


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    margin_top: float
    margin_bottom: float
    margin_inside: float
    margin_outside: float
    mirror: bool
    header_distance: float
    footer_distance: float
    number: PageNumber | None

    @property
    def text_width(self) -> float:
        return self.width - self.margin_inside - self.margin_outside

    @property
    def text_height(self) -> float:
        return self.height - self.margin_top - self.margin_bottom

    @property
    def double_sided(self) -> bool:
        """Printed on both sides of the sheet (style.page_numbers.double_sided)."""
        return double_sided(self.mirror, self.number.position if self.number else None)


@dataclass(frozen=True)
class Grid:
    """A document grid: so many lines per page and characters per line (GB/T 9704: 22 × 28)."""

    lines: int
    chars: int
    line_pitch: float
    char_pitch: float


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per style file
class ResolvedStyle:
    name: str
    description: str
    path: Path
    page: Page
    grid: Grid | None
    roles: dict[str, Role]
    families: dict[str, Fonts] = field(default_factory=dict)
    #: the sheet's family lists, to find bold and italic faces for inline emphasis
    family_lists: dict[str, dict] = field(default_factory=dict)
    #: the sheet's sections for writers ([docx], [epub] …), checked by each writer
    writer_settings: WriterSettings = field(default_factory=WriterSettings)
    #: the sheet's fallback-fonts (family names); ``fallback`` holds the installed ones
    fallback_names: tuple[str, ...] = ()
    #: GB/T 9704 §7.3.5.1: the signature is placed for a seal (the sheet's signature.seal)
    seal: bool = False
    #: bold in a face without a bold member is drawn emboldened (the sheet's synthetic-bold)
    synthetic_bold: bool = False
    #: GB/T 9704 §10.1: the 版头 is a 信函's (the sheet's masthead.letter)
    letter: bool = False
    #: a character no face of the style draws may take any installed face that has it (the
    #: sheet's fallback-any; the pipeline warns for each): false keeps the glyph check's error
    fallback_any: bool = False
    #: the installed faces fallback-any took for one document (after every face of the style)
    found_fallback: tuple[FontFace, ...] = ()
    #: each character of that document no face of the style draws, with the installed face
    #: fallback-any took for it (None: no installed face has it). A font installed or removed
    #: since may change the choice, so a rebuild asks again (fingerprint.fallback_stamp)
    fallback_choice: tuple[tuple[str, FontFace | None], ...] = ()

    def with_found_fallback(self, faces: tuple[FontFace, ...],
                            choice: tuple[tuple[str, FontFace | None], ...] = ()) -> "ResolvedStyle":
        """This style for one document whose characters no face of the style draws, drawn with
        ``faces`` found by fallback-any (``choice``: which face took which character)."""
        return replace(self, found_fallback=tuple(dict.fromkeys((*self.found_fallback, *faces))),
                       fallback_choice=tuple(sorted({**dict(self.fallback_choice), **dict(choice)}.items())))

    def settings(self, writer: str, declared: Mapping[str, Setting]) -> dict[str, object]:
        """The sheet's ``[writer]`` section checked against the writer's declared keys, with
        their defaults (an unknown key or a bad value: a StyleError naming sheet and key)."""
        return self.writer_settings.section(writer, declared)

    @cached_property
    def _fallback(self) -> tuple[tuple[FontFace, ...], int]:
        found = [face for face in (first_installed([fam]) for fam in self.fallback_names) if face is not None]
        declared = len(found)
        for role in self.roles.values():
            for face in (role.fonts.cjk, role.fonts.latin):
                if face not in found:
                    found.append(face)
        if self.page.number:
            for face in (self.page.number.fonts.cjk, self.page.number.fonts.latin):
                if face not in found:
                    found.append(face)
        found += [face for face in self.found_fallback if face not in found]
        return tuple(found), declared

    @property
    def fallback(self) -> tuple[FontFace, ...]:
        """Faces for characters a role's own faces lack: the sheet's fallback-fonts, then every
        other face of the style, so that a character the style can draw at all is drawn in
        every role (the pipeline's glyph check asks exactly that of the style)."""
        return self._fallback[0]

    @property
    def declared_fallback(self) -> int:
        """How many of ``fallback`` the sheet named (the rest are its faces)."""
        return self._fallback[1]

    def role(self, name: str) -> Role:
        """A role by name; roles the sheet does not define are the body role under that name."""
        return self.roles[name]

    def runin_role(self, level: int) -> Role:
        """The role whose characters a run-in heading of this level takes.

        ``runin-heading`` when the sheet gives it a look of its own; when it resolves to exactly
        the body (the sheet does not mention it), the level's heading role, so that GB/T 9704's
        黑体 for ``一、`` also shows when the heading runs into its paragraph.
        """
        runin = self.role("runin-heading")
        if replace(runin, name="body") == self.role("body"):
            return self.role(f"heading-{min(level, 6)}")
        return runin

    def variant(self, role: Role, bold: bool | None = None, italic: bool | None = None) -> Role:
        """The role with bold and/or italic switched, its faces looked up in the same families.

        A family without such a face keeps the regular one (CJK fonts rarely have italics).
        """
        b = role.bold if bold is None else bold
        i = role.italic if italic is None else italic
        if (b, i) == (role.bold, role.italic):
            return role
        return _variant(self, role, b, i)

    def faces(self) -> list[FontFace]:
        """Every face the style uses, fallbacks last, without repeats, in a stable order."""
        seen: dict[tuple[str, int], FontFace] = {}
        for role in self.roles.values():
            for face in (role.fonts.cjk, role.fonts.latin):
                seen.setdefault((face.path, face.index), face)
        if self.page.number:
            for face in (self.page.number.fonts.cjk, self.page.number.fonts.latin):
                seen.setdefault((face.path, face.index), face)
        for face in self.fallback:
            seen.setdefault((face.path, face.index), face)
        return list(seen.values())

    def font_report(self) -> str:
        """One line per family: which installed fonts were chosen (the build prints it)."""
        lines = []
        for key, fonts in sorted(self.families.items()):
            lines.append(f"{key}: CJK {fonts.cjk.family}, Latin {fonts.latin.family}")
        if self.declared_fallback:
            lines.append("fallback: " + ", ".join(f.family for f in self.fallback[: self.declared_fallback]))
        return "; ".join(lines)


@lru_cache(maxsize=256)
def _variant(style: "ResolvedStyle", role: Role, bold: bool, italic: bool) -> Role:
    spec = style.family_lists.get(role.fonts.family, {})
    fonts = Fonts(role.fonts.family, tuple(spec.get("latin", [])), tuple(spec.get("cjk", [])), bold, italic,
                  base=role.fonts, sheet=role.fonts.sheet)
    return replace(role, bold=bold, italic=italic, fonts=fonts)


def resolve(raw: dict, path: Path, origins: Mapping[str, str] | None = None) -> ResolvedStyle:
    """Turn a merged style table into a ResolvedStyle (fonts are looked up when first used).

    ``origins``: the sheet file of each writer-section key (sheet.load_sheet fills it)."""
    families = raw.get("fonts", {})
    used: dict[tuple[str, bool, bool], Fonts] = {}

    def fonts_for(key: str, bold: bool, italic: bool, where: str) -> Fonts:
        if key not in families:
            raise StyleError(f"{where}: unknown font family {key!r} (defined: {', '.join(families)})", str(path))
        if (key, bold, italic) not in used:
            spec = families[key]
            used[(key, bold, italic)] = Fonts(key, tuple(spec.get("latin", [])), tuple(spec.get("cjk", [])),
                                              bold, italic, sheet=str(path))
        return used[(key, bold, italic)]

    raw_roles = raw.get("roles", {})
    if "body" not in raw_roles:
        raise StyleError("the style defines no body role (roles.body)", str(path))
    grid = _grid(raw, path)
    page = _page(raw, path, fonts_for)
    if grid is not None:
        grid = Grid(grid[0], grid[1], page.text_height / grid[0], page.text_width / grid[1])
    roles = {"body": _role("body", raw_roles["body"], None, fonts_for, grid)}
    _check_type_area(page, grid, roles["body"], path)
    for name in ROLES:
        if name != "body":
            roles[name] = _role(name, raw_roles.get(name, {}), raw_roles["body"], fonts_for, grid)
    sections = {name: raw[name] for name in writer_sections(raw)}
    return ResolvedStyle(
        name=raw.get("name", path.stem),
        description=raw.get("description", ""),
        path=path,
        page=page,
        grid=grid,
        roles=roles,
        families=_by_family(used),
        family_lists=families,
        writer_settings=WriterSettings.of(sections, origins or {}, str(path)),
        fallback_names=tuple(raw.get("fallback-fonts", [])),
        seal=raw.get("signature", {}).get("seal", False),
        synthetic_bold=raw.get("synthetic-bold", False),
        letter=raw.get("masthead", {}).get("letter", False),
        fallback_any=raw.get("fallback-any", False),
    )


def _by_family(used: dict[tuple[str, bool, bool], Fonts]) -> dict[str, Fonts]:
    """Family key → its regular faces (or the first variant used when no role is regular)."""
    out: dict[str, Fonts] = {}
    for (key, _bold, _italic), fonts in sorted(used.items()):
        out.setdefault(key, fonts)
    return out


def _grid(raw: dict, path: Path) -> tuple[int, int] | None:
    g = raw.get("grid")
    if not g:
        return None
    for key in ("lines", "chars"):
        value = g.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise StyleError(f"grid.{key} must be a whole number of at least 1, got {value!r}", str(path))
    return g["lines"], g["chars"]


def _page(raw: dict, path: Path, fonts_for) -> Page:
    p = raw.get("page", {})
    where = "page"
    size = p.get("size", "A4")
    if size not in PAGE_SIZES_MM and not ("width" in p and "height" in p):
        raise StyleError(f"page.size {size!r} unknown (known: {', '.join(PAGE_SIZES_MM)})", str(path))
    w_mm, h_mm = PAGE_SIZES_MM.get(size, (0, 0))
    width = to_points(p["width"], where=f"{where}.width") if "width" in p else w_mm * POINTS_PER["mm"]
    height = to_points(p["height"], where=f"{where}.height") if "height" in p else h_mm * POINTS_PER["mm"]
    checked(width, f"{where}.width", positive=True)
    checked(height, f"{where}.height", positive=True)

    def length(key: str, default: str) -> float:
        return checked(to_points(p.get(key, default), where=f"{where}.{key}"), f"{where}.{key}")

    number = None
    n = p.get("number")
    if n is not None:
        nsize = checked(to_points(n.get("size", "10pt"), where=f"{where}.number.size"), f"{where}.number.size",
                        positive=True, most=MAX_SIZE)
        position = n.get("position", "center")
        if position not in SIDES:
            raise StyleError(f"page.number.position {position!r}: use outside, inside, center, left or right", str(path))
        number = PageNumber(
            format=n.get("format", "{n}"),
            fonts=fonts_for(n.get("font", "body"), False, False, "page.number.font"),
            size=nsize,
            position=position,
            indent=checked(to_points(n.get("indent", "0pt"), em=nsize, where=f"{where}.number.indent"),
                           f"{where}.number.indent", signed=True),
            distance=checked(to_points(n.get("distance", "7mm"), em=nsize, where=f"{where}.number.distance"),
                             f"{where}.number.distance", signed=True),
            first_page=n.get("first-page", True),
        )
        if "{n}" not in number.format:
            raise StyleError("page.number.format must contain {n}", str(path))
    page = Page(
        width=width, height=height,
        margin_top=length("margin-top", "25mm"), margin_bottom=length("margin-bottom", "25mm"),
        margin_inside=length("margin-inside", "25mm"), margin_outside=length("margin-outside", "25mm"),
        mirror=p.get("mirror", False),
        header_distance=length("header-distance", "12mm"), footer_distance=length("footer-distance", "12mm"),
        number=number,
    )
    if page.text_width <= 0:
        raise StyleError(f"page.margin-inside and page.margin-outside ({_mm(page.margin_inside + page.margin_outside)}) "
                         f"leave no type area on a page {_mm(page.width)} wide", str(path))
    if page.text_height <= 0:
        raise StyleError(f"page.margin-top and page.margin-bottom ({_mm(page.margin_top + page.margin_bottom)}) "
                         f"leave no type area on a page {_mm(page.height)} high", str(path))
    return page


def _mm(points: float) -> str:
    return f"{points / POINTS_PER['mm']:.1f} mm"


def _check_type_area(page: Page, grid: Grid | None, body: Role, path: Path) -> None:
    """The type area holds at least one line of one body character, and a grid's lines and
    characters are at least a point apart (a grid of 100,000 lines is no grid)."""
    if page.text_width < body.size or page.text_height < body.line_pitch:
        raise StyleError(f"page: the type area ({_mm(page.text_width)} × {_mm(page.text_height)}) cannot hold one "
                         f"line of body text ({body.size:g} pt on a {body.line_pitch:g} pt pitch): make the "
                         f"margins smaller", str(path))
    if grid is not None and grid.line_pitch < 1:
        raise StyleError(f"grid.lines = {grid.lines}: lines would be {grid.line_pitch:.3g} pt apart; at most "
                         f"{int(page.text_height)} fit", str(path))
    if grid is not None and grid.char_pitch < 1:
        raise StyleError(f"grid.chars = {grid.chars}: characters would be {grid.char_pitch:.3g} pt apart; at most "
                         f"{int(page.text_width)} fit", str(path))


#: what a role takes from the body role when it does not say (spacing is each role's own)
INHERITED = {"font", "size", "weight", "italic", "align", "first-line-indent", "left-indent",
             "right-indent", "line-pitch", "color"}


def _role(name: str, own: dict, body: dict | None, fonts_for, grid: Grid | None) -> Role:
    """Resolve a role; em lengths are taken against the role's own size, after inheriting."""
    where = f"roles.{name}"
    spec = {k: v for k, v in (body or {}).items() if k in INHERITED} | own
    size = checked(to_points(spec.get("size", "12pt"), where=f"{where}.size"), f"{where}.size", positive=True,
                   most=MAX_SIZE)
    weight = spec.get("weight", "normal")
    if weight not in ("normal", "bold"):
        raise StyleError(f"{where}.weight must be normal or bold, got {weight!r}")
    italic = bool(spec.get("italic", False))
    if "font" not in spec:
        raise StyleError(f"{where}.font is required")
    align = spec.get("align", "left")
    if align not in ALIGNS:
        raise StyleError(f"{where}.align must be one of {', '.join(ALIGNS)}, got {align!r}")

    def length(key: str, signed: bool = False) -> float:
        return checked(to_points(spec.get(key, "0pt"), em=size, where=f"{where}.{key}"), f"{where}.{key}",
                       signed=signed)

    return Role(
        name=name,
        fonts=fonts_for(spec["font"], weight == "bold", italic, f"{where}.font"),
        size=size, bold=weight == "bold", italic=italic, align=align,
        first_line_indent=length("first-line-indent", signed=True),  # negative: a hanging indent
        left_indent=length("left-indent", signed=True),
        right_indent=length("right-indent", signed=True),
        line_pitch=_line_pitch(spec.get("line-pitch"), size, grid, where),
        space_before=length("space-before", signed=True),  # negative: pulled up (the 信函 mark stands above the type area)
        space_after=length("space-after"),
        keep_with_next=bool(spec.get("keep-with-next", name.startswith("heading") or name in ("title", "subtitle"))),
        color=spec.get("color", "#000000"),
        highlight=_highlight(own.get("highlight"), where),
    )


def _highlight(name, where: str) -> str | None:
    """A role's ``highlight``: the name of a Pygments style (checked), or None."""
    if name is None:
        return None
    from ..text.highlight import style_names

    known = style_names()
    if not isinstance(name, str) or name not in known:
        raise StyleError(f"{where}.highlight must name a Pygments style ({', '.join(known)}), got {name!r}")
    return name


def _line_pitch(raw: object, size: float, grid: Grid | None, where: str) -> float:
    """A number below 4 is a multiple of the size; a length is taken as is; a grid snaps."""
    key = f"{where}.line-pitch"
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and raw < 4:
        pitch = checked(raw * size, key, positive=True, most=MAX_SIZE)
    elif raw is not None:
        return checked(to_points(raw, em=size, where=key), key, positive=True, most=MAX_SIZE)
    else:
        pitch = size * 1.2
    if grid is not None:  # whole grid lines, as Word's document grid does
        return grid.line_pitch * max(1, -(-pitch // grid.line_pitch))
    return pitch
