//! The CSS3 colour names (CSS Color Module Level 3, 4.3 "Extended color keywords": the names RFC 7986
//! `COLOR` takes) and the nearest of them to an event's `#rrggbb`, for the feed.
//!
//! Distance: the "redmean" weighted Euclidean distance in sRGB (Wikipedia, "Color difference"),
//! `(2 + r̄/256)·ΔR² + 4·ΔG² + (2 + (255 − r̄)/256)·ΔB²` with `r̄` the mean of the two reds: closer to
//! what eyes see than plain RGB distance, and exact in integers (scaled by 512), so ties are well
//! defined. A tie goes to the name first in alphabetical order (`aqua` before `cyan`, `gray` before
//! `grey`).

/// The 147 CSS3 names with their sRGB values, in alphabetical order (taken from cssparser's table,
/// less CSS4's `rebeccapurple`, which RFC 7986's CSS3 names do not hold).
const CSS3_COLORS: [(&str, [u8; 3]); 147] = [
    ("aliceblue", [240, 248, 255]),
    ("antiquewhite", [250, 235, 215]),
    ("aqua", [0, 255, 255]),
    ("aquamarine", [127, 255, 212]),
    ("azure", [240, 255, 255]),
    ("beige", [245, 245, 220]),
    ("bisque", [255, 228, 196]),
    ("black", [0, 0, 0]),
    ("blanchedalmond", [255, 235, 205]),
    ("blue", [0, 0, 255]),
    ("blueviolet", [138, 43, 226]),
    ("brown", [165, 42, 42]),
    ("burlywood", [222, 184, 135]),
    ("cadetblue", [95, 158, 160]),
    ("chartreuse", [127, 255, 0]),
    ("chocolate", [210, 105, 30]),
    ("coral", [255, 127, 80]),
    ("cornflowerblue", [100, 149, 237]),
    ("cornsilk", [255, 248, 220]),
    ("crimson", [220, 20, 60]),
    ("cyan", [0, 255, 255]),
    ("darkblue", [0, 0, 139]),
    ("darkcyan", [0, 139, 139]),
    ("darkgoldenrod", [184, 134, 11]),
    ("darkgray", [169, 169, 169]),
    ("darkgreen", [0, 100, 0]),
    ("darkgrey", [169, 169, 169]),
    ("darkkhaki", [189, 183, 107]),
    ("darkmagenta", [139, 0, 139]),
    ("darkolivegreen", [85, 107, 47]),
    ("darkorange", [255, 140, 0]),
    ("darkorchid", [153, 50, 204]),
    ("darkred", [139, 0, 0]),
    ("darksalmon", [233, 150, 122]),
    ("darkseagreen", [143, 188, 143]),
    ("darkslateblue", [72, 61, 139]),
    ("darkslategray", [47, 79, 79]),
    ("darkslategrey", [47, 79, 79]),
    ("darkturquoise", [0, 206, 209]),
    ("darkviolet", [148, 0, 211]),
    ("deeppink", [255, 20, 147]),
    ("deepskyblue", [0, 191, 255]),
    ("dimgray", [105, 105, 105]),
    ("dimgrey", [105, 105, 105]),
    ("dodgerblue", [30, 144, 255]),
    ("firebrick", [178, 34, 34]),
    ("floralwhite", [255, 250, 240]),
    ("forestgreen", [34, 139, 34]),
    ("fuchsia", [255, 0, 255]),
    ("gainsboro", [220, 220, 220]),
    ("ghostwhite", [248, 248, 255]),
    ("gold", [255, 215, 0]),
    ("goldenrod", [218, 165, 32]),
    ("gray", [128, 128, 128]),
    ("green", [0, 128, 0]),
    ("greenyellow", [173, 255, 47]),
    ("grey", [128, 128, 128]),
    ("honeydew", [240, 255, 240]),
    ("hotpink", [255, 105, 180]),
    ("indianred", [205, 92, 92]),
    ("indigo", [75, 0, 130]),
    ("ivory", [255, 255, 240]),
    ("khaki", [240, 230, 140]),
    ("lavender", [230, 230, 250]),
    ("lavenderblush", [255, 240, 245]),
    ("lawngreen", [124, 252, 0]),
    ("lemonchiffon", [255, 250, 205]),
    ("lightblue", [173, 216, 230]),
    ("lightcoral", [240, 128, 128]),
    ("lightcyan", [224, 255, 255]),
    ("lightgoldenrodyellow", [250, 250, 210]),
    ("lightgray", [211, 211, 211]),
    ("lightgreen", [144, 238, 144]),
    ("lightgrey", [211, 211, 211]),
    ("lightpink", [255, 182, 193]),
    ("lightsalmon", [255, 160, 122]),
    ("lightseagreen", [32, 178, 170]),
    ("lightskyblue", [135, 206, 250]),
    ("lightslategray", [119, 136, 153]),
    ("lightslategrey", [119, 136, 153]),
    ("lightsteelblue", [176, 196, 222]),
    ("lightyellow", [255, 255, 224]),
    ("lime", [0, 255, 0]),
    ("limegreen", [50, 205, 50]),
    ("linen", [250, 240, 230]),
    ("magenta", [255, 0, 255]),
    ("maroon", [128, 0, 0]),
    ("mediumaquamarine", [102, 205, 170]),
    ("mediumblue", [0, 0, 205]),
    ("mediumorchid", [186, 85, 211]),
    ("mediumpurple", [147, 112, 219]),
    ("mediumseagreen", [60, 179, 113]),
    ("mediumslateblue", [123, 104, 238]),
    ("mediumspringgreen", [0, 250, 154]),
    ("mediumturquoise", [72, 209, 204]),
    ("mediumvioletred", [199, 21, 133]),
    ("midnightblue", [25, 25, 112]),
    ("mintcream", [245, 255, 250]),
    ("mistyrose", [255, 228, 225]),
    ("moccasin", [255, 228, 181]),
    ("navajowhite", [255, 222, 173]),
    ("navy", [0, 0, 128]),
    ("oldlace", [253, 245, 230]),
    ("olive", [128, 128, 0]),
    ("olivedrab", [107, 142, 35]),
    ("orange", [255, 165, 0]),
    ("orangered", [255, 69, 0]),
    ("orchid", [218, 112, 214]),
    ("palegoldenrod", [238, 232, 170]),
    ("palegreen", [152, 251, 152]),
    ("paleturquoise", [175, 238, 238]),
    ("palevioletred", [219, 112, 147]),
    ("papayawhip", [255, 239, 213]),
    ("peachpuff", [255, 218, 185]),
    ("peru", [205, 133, 63]),
    ("pink", [255, 192, 203]),
    ("plum", [221, 160, 221]),
    ("powderblue", [176, 224, 230]),
    ("purple", [128, 0, 128]),
    ("red", [255, 0, 0]),
    ("rosybrown", [188, 143, 143]),
    ("royalblue", [65, 105, 225]),
    ("saddlebrown", [139, 69, 19]),
    ("salmon", [250, 128, 114]),
    ("sandybrown", [244, 164, 96]),
    ("seagreen", [46, 139, 87]),
    ("seashell", [255, 245, 238]),
    ("sienna", [160, 82, 45]),
    ("silver", [192, 192, 192]),
    ("skyblue", [135, 206, 235]),
    ("slateblue", [106, 90, 205]),
    ("slategray", [112, 128, 144]),
    ("slategrey", [112, 128, 144]),
    ("snow", [255, 250, 250]),
    ("springgreen", [0, 255, 127]),
    ("steelblue", [70, 130, 180]),
    ("tan", [210, 180, 140]),
    ("teal", [0, 128, 128]),
    ("thistle", [216, 191, 216]),
    ("tomato", [255, 99, 71]),
    ("turquoise", [64, 224, 208]),
    ("violet", [238, 130, 238]),
    ("wheat", [245, 222, 179]),
    ("white", [255, 255, 255]),
    ("whitesmoke", [245, 245, 245]),
    ("yellow", [255, 255, 0]),
    ("yellowgreen", [154, 205, 50]),
];

/// The longest name, for the feed's size bound.
pub(super) const LONGEST_NAME_OCTETS: usize = "lightgoldenrodyellow".len();

/// The sRGB value of a CSS3 colour name in lower case (an iCalendar `COLOR`, RFC 7986).
#[cfg(feature = "publish")]
pub(crate) fn css_color_rgb(name: &str) -> Option<[u8; 3]> {
    CSS3_COLORS.binary_search_by(|(known, _)| known.cmp(&name)).ok().map(|at| CSS3_COLORS[at].1)
}

/// The CSS3 colour name nearest to `rgb` by the redmean distance; ties to the alphabetically first.
pub(super) fn nearest_css_color(rgb: [u8; 3]) -> &'static str {
    let mut nearest = CSS3_COLORS[0];
    let mut nearest_distance = redmean_distance(rgb, nearest.1);
    for candidate in &CSS3_COLORS[1..] {
        let distance = redmean_distance(rgb, candidate.1);
        if distance < nearest_distance {
            (nearest, nearest_distance) = (*candidate, distance);
        }
    }
    nearest.0
}

/// The redmean distance squared, times 512: `(1024 + ΣR)·ΔR² + 2048·ΔG² + (1534 − ΣR)·ΔB²`.
fn redmean_distance(a: [u8; 3], b: [u8; 3]) -> u64 {
    let red_sum = u64::from(a[0]) + u64::from(b[0]);
    let delta = |i: usize| u64::from(a[i].abs_diff(b[i])).pow(2);
    (1024 + red_sum) * delta(0) + 2048 * delta(1) + (1534 - red_sum) * delta(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nearest(hex: &str) -> &'static str {
        nearest_css_color(crate::domain::Color::parse(hex).unwrap().rgb())
    }

    #[test]
    fn an_exact_css_colour_is_its_own_name() {
        for (name, rgb) in
            CSS3_COLORS.iter().filter(|(name, _)| !name.contains("grey") && !["cyan", "magenta"].contains(name))
        {
            assert_eq!(nearest_css_color(*rgb), *name);
        }
    }

    #[test]
    fn calendar_colours_take_the_nearest_name() {
        assert_eq!(nearest("#1e88e5"), "dodgerblue");
        assert_eq!(nearest("#e53935"), "crimson");
        assert_eq!(nearest("#2e7d32"), "forestgreen");
        assert_eq!(nearest("#f9a825"), "goldenrod");
        assert_eq!(nearest("#8e24aa"), "darkorchid");
        assert_eq!(nearest("#616161"), "dimgray");
        assert_eq!(nearest("#ff0001"), "red");
    }

    #[test]
    fn ties_go_to_the_alphabetically_first_name() {
        // Synonyms: the same sRGB value under two names.
        assert_eq!(nearest("#00ffff"), "aqua");
        assert_eq!(nearest("#ff00ff"), "fuchsia");
        assert_eq!(nearest("#808080"), "gray");
        assert_eq!(nearest("#2f4f4f"), "darkslategray");
        // Halfway between blue (#0000ff) and mediumblue (#0000cd): 25 blue steps from each.
        assert_eq!(redmean_distance([0, 0, 230], [0, 0, 255]), redmean_distance([0, 0, 230], [0, 0, 205]));
        assert_eq!(nearest("#0000e6"), "blue");
    }

    #[test]
    fn the_table_is_sorted_and_the_longest_name_is_known() {
        assert!(CSS3_COLORS.windows(2).all(|pair| pair[0].0 < pair[1].0));
        assert_eq!(CSS3_COLORS.iter().map(|(name, _)| name.len()).max(), Some(LONGEST_NAME_OCTETS));
    }
}
