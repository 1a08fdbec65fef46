//! The reduce pass's estimate of the HTML parser's stack of open elements, kept by the tree
//! builder's main rules (implied end tags, scopes, formatting elements reopened after a block
//! closes them), so that it never falls far below the parser's own depth. Where the rules are
//! subtler (the adoption agency, foster parenting), it errs on the deep side: a start tag it
//! drops as too deep costs an ordinary body nothing that shows.

use super::elements::{
    CLOSES_P, Element, FORMATTING, HEADINGS, MARKERS, VOID, Walk, keeps_content, reopens_formatting,
};
use super::reduce::MAX_DEPTH;
use std::collections::{HashMap, HashSet};

/// Names of dropped start tags tracked at once, so their end tags are dropped too; a body with more
/// distinct names than this only sends stray end tags, which the parser ignores cheaply.
const MAX_FLATTENED_NAMES: usize = 1024;
/// The parser's "Noah's Ark" clause: at most three identical formatting elements wait to be reopened.
const MAX_IDENTICAL_REOPENED: usize = 3;

#[derive(Default)]
pub struct Nesting {
    open: Vec<Element>,
    /// How many open elements bear each name, so an end tag with nothing to close costs no walk.
    open_names: HashMap<String, usize>,
    /// Names an end tag found nothing to close for, since the stack last changed.
    nothing_to_close: HashSet<String>,
    /// Open elements whose content sanitising may drop (see `keeps_content`).
    dropping: usize,
    /// Open `select` elements: inside, the parser ignores most tags.
    selects: usize,
    /// Formatting elements that another element's end closed: the parser reopens them at the next
    /// text or inline start tag.
    reopen: Vec<String>,
    /// Start tags dropped as too deep, by name.
    flattened: HashMap<String, usize>,
}

/// What an end tag does, as far as the reduce pass is concerned.
#[derive(Debug, PartialEq, Eq)]
pub enum EndTag {
    /// It closes something: kept.
    Closes,
    /// `</p>` or `</br>` with nothing to close: the parser makes an empty element of it. Kept.
    MakesElement,
    /// Its start tag was dropped, or the parser would ignore it: dropped.
    Dropped,
}

impl Nesting {
    /// A start tag: whether it is kept (false when it would nest deeper than `MAX_DEPTH`).
    pub fn start(&mut self, name: &str) -> bool {
        if matches!(name, "html" | "head" | "body" | "frameset") {
            // Ignored inside a body (their attributes at most merge into the open ones).
            return true;
        }
        let void = VOID.contains(&name) || name == "wbr";
        if self.open.len() >= MAX_DEPTH {
            // At the cap nothing is closed or reopened: the estimate only stays higher, and a
            // dropped tag costs no walk down the stack.
            if !void {
                self.flatten(name);
            }
            return void;
        }
        self.close_implied_by(name);
        if reopens_formatting(name) {
            self.reopen_formatting();
        }
        if void {
            return true;
        }
        if name == "a" {
            self.reopen.retain(|reopened| reopened != "a");
        }
        self.push(name.to_owned());
        true
    }

    fn flatten(&mut self, name: &str) {
        if let Some(count) = self.flattened.get_mut(name) {
            *count += 1;
        } else if self.flattened.len() < MAX_FLATTENED_NAMES {
            self.flattened.insert(name.to_owned(), 1);
        }
    }

    /// An end tag: what it does.
    pub fn end(&mut self, name: &str) -> EndTag {
        if let Some(count) = self.flattened.get_mut(name)
            && *count > 0
        {
            *count -= 1;
            return EndTag::Dropped;
        }
        let stray = || if matches!(name, "p" | "br") { EndTag::MakesElement } else { EndTag::Dropped };
        let heading = HEADINGS.contains(&name);
        // Nothing of that name open (or nothing found last time, the stack unchanged since).
        let none_open = if heading {
            HEADINGS.iter().all(|h| !self.open_names.contains_key(*h))
        } else {
            !self.open_names.contains_key(name)
        };
        if none_open || self.nothing_to_close.contains(name) {
            return match FORMATTING.contains(&name) {
                true => self.forget_reopened(name),
                false => stray(),
            };
        }
        let found = if name == "form" {
            self.find(|open| open.name == "form", |open| open.scope_barrier)
        } else if heading {
            self.find(|open| HEADINGS.contains(&open.name.as_str()), |open| open.scope_barrier)
        } else {
            let walk = Walk::of(name);
            self.find(|open| open.name == name, |open| walk.stops_at(open))
        };
        match found {
            // The form alone leaves the stack; what opened inside it stays open.
            Some(at) if name == "form" => {
                self.remove(at);
                EndTag::Closes
            }
            Some(at) => {
                self.pop_to(at);
                EndTag::Closes
            }
            // Open below a special element: the adoption agency restructures around it.
            None if FORMATTING.contains(&name) => EndTag::Closes,
            None => {
                self.nothing_to_close.insert(name.to_owned());
                stray()
            }
        }
    }

    /// A formatting end tag with nothing open to close: the parser forgets one that waits to be
    /// reopened, or ignores the tag.
    fn forget_reopened(&mut self, name: &str) -> EndTag {
        match self.reopen.iter().rposition(|reopened| reopened == name) {
            Some(at) => {
                self.reopen.remove(at);
                EndTag::Closes
            }
            None => EndTag::Dropped,
        }
    }

    /// Text: the parser reopens closed formatting elements before inserting it.
    pub fn text(&mut self) {
        self.reopen_formatting();
    }

    /// Whether what is inserted now is dropped by sanitising, content and all.
    pub fn in_dropped_content(&self) -> bool {
        self.dropping > 0
    }

    /// How many elements are open, as estimated.
    pub fn depth(&self) -> usize {
        self.open.len()
    }

    /// Whether the parser now ignores most start tags (inside a `select`).
    pub fn ignores_tags(&self) -> bool {
        self.selects > 0
    }

    fn reopen_formatting(&mut self) {
        for name in std::mem::take(&mut self.reopen) {
            self.push(name);
        }
    }

    fn push(&mut self, name: String) {
        self.count(&name, true);
        self.open.push(Element::new(name));
    }

    fn remove(&mut self, at: usize) -> Element {
        let removed = self.open.remove(at);
        self.count(&removed.name, false);
        removed
    }

    /// Keeps the counts and the end-tag cache with the stack.
    fn count(&mut self, name: &str, opened: bool) {
        self.nothing_to_close.clear();
        match self.open_names.get_mut(name) {
            Some(count) if !opened && *count <= 1 => {
                self.open_names.remove(name);
            }
            Some(count) if opened => *count += 1,
            Some(count) => *count -= 1,
            None if opened => {
                self.open_names.insert(name.to_owned(), 1);
            }
            None => {}
        }
        let change = |counter: &mut usize| *counter = if opened { *counter + 1 } else { counter.saturating_sub(1) };
        if !keeps_content(name) {
            change(&mut self.dropping);
        }
        if name == "select" {
            change(&mut self.selects);
        }
    }

    /// The index of the nearest open element that `wanted` accepts, walking down from the top
    /// until `stops` does.
    fn find(&self, wanted: impl Fn(&Element) -> bool, stops: impl Fn(&Element) -> bool) -> Option<usize> {
        for (at, open) in self.open.iter().enumerate().rev() {
            if wanted(open) {
                return Some(at);
            }
            if stops(open) {
                return None;
            }
        }
        None
    }

    fn top_is(&self, names: &[&str]) -> bool {
        self.open.last().is_some_and(|top| names.contains(&top.name.as_str()))
    }

    /// Closes the open element at `at` and all above it. Formatting elements closed this way are
    /// reopened later, unless a marker above which they were opened closes with them.
    fn pop_to(&mut self, at: usize) {
        let mut closed = Vec::with_capacity(self.open.len() - at);
        while self.open.len() > at {
            let top = self.open.len() - 1;
            closed.push(self.remove(top));
        }
        closed.reverse();
        let marker = closed.iter().position(|open| MARKERS.contains(&open.name.as_str())).unwrap_or(closed.len());
        for open in closed.into_iter().take(marker).skip(1) {
            if FORMATTING.contains(&open.name.as_str()) {
                self.remember_to_reopen(open.name);
            }
        }
        // Whatever was dropped as too deep sat inside what just closed.
        self.flattened.clear();
    }

    fn remember_to_reopen(&mut self, name: String) {
        let identical = self.reopen.iter().filter(|reopened| **reopened == name).count();
        if identical >= MAX_IDENTICAL_REOPENED
            && let Some(oldest) = self.reopen.iter().position(|reopened| *reopened == name)
        {
            self.reopen.remove(oldest);
        }
        self.reopen.push(name);
    }

    /// The end tags a start tag implies, as the tree builder closes them.
    fn close_implied_by(&mut self, name: &str) {
        let found = match name {
            // The open item closes, looked for down to a special element other than these.
            "li" | "dd" | "dt" => {
                let items: &[&str] = if name == "li" { &["li"] } else { &["dd", "dt"] };
                self.find(
                    |open| items.contains(&open.name.as_str()),
                    |open| open.special && !matches!(open.name.as_str(), "address" | "div" | "p"),
                )
            }
            "option" | "optgroup" => self.top_is(&["option"]).then(|| self.open.len() - 1),
            // A new cell, row or section closes the open one, back to its row, section or table.
            "td" | "th" | "tr" | "tbody" | "thead" | "tfoot" | "caption" | "colgroup" => {
                let keep: &[&str] = match name {
                    "td" | "th" => &["tr", "tbody", "thead", "tfoot", "table"],
                    "tr" => &["tbody", "thead", "tfoot", "table"],
                    _ => &["table"],
                };
                self.find(
                    |open| keep.contains(&open.name.as_str()),
                    |open| matches!(open.name.as_str(), "template" | "html"),
                )
                .map(|at| at + 1)
                .filter(|&above| above < self.open.len())
            }
            // In table context (not in a cell) a new table closes the open one.
            "table" if self.top_is(&["table", "tbody", "thead", "tfoot", "tr"]) => {
                self.find(|open| open.name == "table", |open| matches!(open.name.as_str(), "template" | "html"))
            }
            // The open one closes first (for `a` and `nobr`, through the adoption agency).
            "a" | "nobr" | "button" | "select" if self.open_names.contains_key(name) => {
                let walk = Walk::of(name);
                self.find(|open| open.name == name, |open| walk.stops_at(open))
            }
            _ => None,
        };
        if let Some(at) = found {
            self.pop_to(at);
        }
        if CLOSES_P.contains(&name)
            && self.open_names.contains_key("p")
            && let Some(at) = self.find(|open| open.name == "p", |open| Walk::ButtonScope.stops_at(open))
        {
            self.pop_to(at);
        }
        if HEADINGS.contains(&name) && self.top_is(&HEADINGS) {
            let top = self.open.len() - 1;
            self.remove(top);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_after(tags: &[&str]) -> usize {
        let mut nesting = Nesting::default();
        for tag in tags {
            match tag.strip_prefix('/') {
                Some(name) => {
                    nesting.end(name);
                }
                None if *tag == "#text" => nesting.text(),
                None => {
                    nesting.start(tag);
                }
            }
        }
        nesting.open.len()
    }

    #[test]
    fn implied_end_tags_keep_sloppy_markup_shallow() {
        let paragraphs: Vec<&str> = (0..1000).flat_map(|_| ["p", "#text"]).collect();
        assert_eq!(depth_after(&paragraphs), 1);
        let items: Vec<&str> = ["ul"].into_iter().chain((0..1000).flat_map(|_| ["li", "span", "#text"])).collect();
        assert_eq!(depth_after(&items), 3);
        let rows: Vec<&str> =
            ["table"].into_iter().chain((0..1000).flat_map(|_| ["tr", "td", "#text", "td", "#text"])).collect();
        assert_eq!(depth_after(&rows), 3);
        let bold_paragraphs: Vec<&str> = (0..1000).flat_map(|_| ["p", "b", "#text", "/p"]).collect();
        assert!(depth_after(&bold_paragraphs) <= 1 + MAX_IDENTICAL_REOPENED);
    }

    #[test]
    fn end_tags_the_parser_ignores_do_not_lower_the_estimate() {
        // `</b>` over a block runs the adoption agency and `</div>` across a cell is ignored: the
        // parser keeps those elements open, so the estimate must too.
        assert_eq!(depth_after(&["b", "div", "/b", "b", "div", "/b"]), 4);
        assert_eq!(depth_after(&["div", "table", "td", "/div", "div", "table", "td", "/div"]), 6);
        // `</form>` takes the form off the stack and leaves what opened inside it.
        assert_eq!(depth_after(&["form", "div", "/form", "form", "div", "/form"]), 2);
        // Formatting elements a paragraph's end closes are reopened by the next text.
        assert_eq!(depth_after(&["p", "b", "/p", "#text", "p", "b", "/p", "#text"]), 2);
    }
}
