//! What the HTML tree builder knows of each element, as far as the reduce pass's estimate of its
//! stack needs it: which elements are special, which end a scope, which are formatting elements
//! it reopens, and whose content sanitising keeps.

/// An open element, with what the walks down the stack ask of it worked out once.
pub(super) struct Element {
    pub name: String,
    pub special: bool,
    pub scope_barrier: bool,
}

impl Element {
    pub fn new(name: String) -> Self {
        Self { special: is_special(&name), scope_barrier: SCOPE_BARRIERS.contains(&name.as_str()), name }
    }
}

/// How far an end tag looks down the stack for its element.
#[derive(Clone, Copy)]
pub(super) enum Walk {
    TableScope,
    ListItemScope,
    ButtonScope,
    SelectScope,
    TemplateScope,
    DefaultScope,
    /// The adoption agency and "any other end tag" stop at the first special element.
    UntilSpecial,
}

impl Walk {
    pub fn of(name: &str) -> Self {
        match name {
            "table" | "tbody" | "thead" | "tfoot" | "tr" | "td" | "th" | "caption" | "colgroup" => Walk::TableScope,
            "li" => Walk::ListItemScope,
            "p" => Walk::ButtonScope,
            "select" => Walk::SelectScope,
            "template" => Walk::TemplateScope,
            _ if is_special(name) => Walk::DefaultScope,
            _ => Walk::UntilSpecial,
        }
    }

    pub fn stops_at(self, open: &Element) -> bool {
        match self {
            Walk::TableScope => matches!(open.name.as_str(), "table" | "template" | "html"),
            Walk::ListItemScope => open.scope_barrier || matches!(open.name.as_str(), "ol" | "ul"),
            Walk::ButtonScope => open.scope_barrier || open.name == "button",
            Walk::SelectScope => !matches!(open.name.as_str(), "option" | "optgroup"),
            Walk::TemplateScope => open.name == "html",
            Walk::DefaultScope => open.scope_barrier,
            Walk::UntilSpecial => open.special,
        }
    }
}

#[rustfmt::skip]
pub(super) const FORMATTING: [&str; 14] = ["a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"];

#[rustfmt::skip]
const SPECIAL: [&str; 89] = [
    "address", "applet", "area", "article", "aside", "base", "basefont", "bgsound", "blockquote", "body", "br", "button",
    "caption", "center", "col", "colgroup", "dd", "details", "dir", "div", "dl", "dt", "embed", "fieldset", "figcaption",
    "figure", "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr",
    "html", "iframe", "img", "input", "keygen", "li", "link", "listing", "main", "marquee", "menu", "meta", "nav",
    "noembed", "noframes", "noscript", "object", "ol", "p", "param", "plaintext", "pre", "script", "search", "section",
    "select", "source", "style", "summary", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead",
    "title", "tr", "track", "ul", "wbr", "xmp", "mi", "mo", "mn", "ms", "mtext", "annotation-xml",
];

/// Elements that end the "in scope" walk of an end tag (the default scope; foreign integration
/// points included, lower-cased as the pass writes names).
#[rustfmt::skip]
const SCOPE_BARRIERS: [&str; 17] = [
    "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "mi", "mo", "mn", "ms", "mtext",
    "annotation-xml", "foreignobject", "desc",
];

/// Markers in the list of active formatting elements: what opened inside them is not reopened
/// once they close.
pub(super) const MARKERS: [&str; 7] = ["td", "th", "caption", "applet", "object", "marquee", "template"];

pub(super) const VOID: [&str; 18] = [
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img", "input", "keygen",
    "link", "meta", "param", "source", "track",
];

/// Start tags that close an open `p` (in button scope) before they open.
#[rustfmt::skip]
pub(super) const CLOSES_P: [&str; 40] = [
    "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl", "fieldset",
    "figcaption", "figure", "footer", "header", "hgroup", "main", "menu", "nav", "ol", "p", "search", "section",
    "summary", "ul", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "listing", "form", "li", "dd", "dt", "plaintext", "table",
    "hr",
];

pub(super) const HEADINGS: [&str; 6] = ["h1", "h2", "h3", "h4", "h5", "h6"];

fn is_special(name: &str) -> bool {
    SPECIAL.contains(&name) || name == "foreignobject" || name == "desc"
}

/// Elements whose content sanitising keeps (their own tags kept or not): formatting, tables, forms
/// and the rest of everyday HTML. It drops the content of others (`template`, `object`, foreign
/// content, and any element named as an SVG or MathML one, such as `<sum>`), and names nobody
/// knows are taken as such too, so what they hold is never counted as shown.
pub(super) fn keeps_content(name: &str) -> bool {
    FORMATTING.contains(&name)
        || matches!(
            name,
            "blockquote"
                | "br"
                | "div"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "hr"
                | "li"
                | "ol"
                | "p"
                | "pre"
                | "span"
                | "sub"
                | "sup"
                | "ul"
                | "em"
                | "strong"
                | "table"
                | "tbody"
                | "thead"
                | "tfoot"
                | "tr"
                | "td"
                | "th"
                | "caption"
                | "colgroup"
                | "col"
                | "center"
                | "section"
                | "article"
                | "header"
                | "footer"
                | "nav"
                | "main"
                | "aside"
                | "address"
                | "dl"
                | "dt"
                | "dd"
                | "figure"
                | "figcaption"
                | "details"
                | "summary"
                | "label"
                | "abbr"
                | "acronym"
                | "cite"
                | "dfn"
                | "kbd"
                | "samp"
                | "var"
                | "ins"
                | "del"
                | "mark"
                | "q"
                | "time"
                | "bdi"
                | "bdo"
                | "ruby"
                | "rt"
                | "rp"
                | "textarea"
                | "select"
                | "option"
                | "optgroup"
                | "button"
                | "form"
                | "fieldset"
                | "legend"
        )
}

/// Start tags before which the parser reopens closed formatting elements: inline ones, and a few
/// special ones that sit inline.
pub(super) fn reopens_formatting(name: &str) -> bool {
    !is_special(name)
        || matches!(
            name,
            "applet"
                | "marquee"
                | "object"
                | "area"
                | "br"
                | "embed"
                | "img"
                | "keygen"
                | "wbr"
                | "input"
                | "select"
                | "button"
                | "xmp"
        )
}
