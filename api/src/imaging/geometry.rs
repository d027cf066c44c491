//! The size of a variant, from the original's size and what was asked: a width, an optional
//! aspect ratio (a box `width` wide), and a fit. Images are never enlarged.
use std::fmt;

/// How an image meets a box.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fit {
    /// Fill the box, cropping the middle of what overflows.
    Cover,
    /// Fit inside the box, whole; the result may be smaller than the box on one side.
    Contain,
}

impl Fit {
    /// The name in keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cover => "cover",
            Self::Contain => "contain",
        }
    }

    /// The fit of a name in keys.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "cover" => Some(Self::Cover),
            "contain" => Some(Self::Contain),
            _ => None,
        }
    }
}

/// An aspect ratio, width to height, from a fixed list (so the number of possible variants of
/// one image stays small).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ratio(pub u32, pub u32);

impl Ratio {
    /// The ratios a variant may have.
    pub const ALL: [Ratio; 9] = [
        Ratio(1, 1),
        Ratio(4, 3),
        Ratio(3, 2),
        Ratio(16, 9),
        Ratio(21, 9),
        Ratio(3, 4),
        Ratio(2, 3),
        Ratio(9, 16),
        Ratio(4, 5),
    ];

    fn value(self) -> f64 {
        f64::from(self.0) / f64::from(self.1)
    }

    /// The listed ratio nearest to `width`:`height` (compared on a log scale, so 2:1 and 1:2
    /// are as far from 1:1).
    pub fn nearest(width: u32, height: u32) -> Ratio {
        let wanted = (f64::from(width.max(1)) / f64::from(height.max(1))).ln();
        let mut best = Ratio(1, 1);
        for r in Self::ALL {
            if (r.value().ln() - wanted).abs() < (best.value().ln() - wanted).abs() {
                best = r;
            }
        }
        best
    }

    /// The ratio of a key segment (`4x3`), when it is a listed one.
    pub fn parse(s: &str) -> Option<Ratio> {
        let (w, h) = s.split_once('x')?;
        let r = Ratio(w.parse().ok()?, h.parse().ok()?);
        Self::ALL.contains(&r).then_some(r)
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.0, self.1)
    }
}

fn scaled(value: u32, num: u32, den: u32) -> u32 {
    let v = (u64::from(value) * u64::from(num) + u64::from(den) / 2) / u64::from(den.max(1));
    u32::try_from(v).unwrap_or(u32::MAX).max(1)
}

/// The size of the variant of a `source`-sized image asked `width` wide, in a box of `ratio`
/// (none: the image's own ratio) with `fit`. Never larger than the source: a box wider than
/// the image shrinks, keeping its ratio.
pub fn output_size(source: (u32, u32), width: u32, ratio: Option<Ratio>, fit: Fit) -> (u32, u32) {
    let (sw, sh) = (source.0.max(1), source.1.max(1));
    let Some(Ratio(rw, rh)) = ratio else {
        let w = width.min(sw);
        return (w, scaled(sh, w, sw));
    };
    match fit {
        Fit::Cover => {
            // The largest box of this ratio inside the source bounds the requested one.
            let max_w = sw.min(scaled(sh, rw, rh));
            let w = width.min(max_w);
            (w, scaled(w, rh, rw))
        }
        Fit::Contain => {
            let box_w = width;
            let box_h = scaled(width, rh, rw);
            // Scale to fit the box, never up.
            let by_w = f64::from(box_w) / f64::from(sw);
            let by_h = f64::from(box_h) / f64::from(sh);
            let scale = by_w.min(by_h).min(1.0);
            if scale >= 1.0 {
                return (sw, sh);
            }
            let w = (f64::from(sw) * scale).round().max(1.0);
            let h = (f64::from(sh) * scale).round().max(1.0);
            (w as u32, h as u32)
        }
    }
}

/// The configured width nearest to `wanted` (the larger one on a tie, for sharper images).
pub fn snap_width(widths: &[u32], wanted: u32) -> Option<u32> {
    widths.iter().copied().min_by_key(|w| {
        let distance = w.abs_diff(wanted);
        (distance, std::cmp::Reverse(*w))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_snap_to_the_nearest_configured_one() {
        let widths = [320, 640, 960, 1280, 1920];
        assert_eq!(snap_width(&widths, 300), Some(320));
        assert_eq!(snap_width(&widths, 700), Some(640));
        assert_eq!(snap_width(&widths, 800), Some(960), "a tie goes up");
        assert_eq!(snap_width(&widths, 5000), Some(1920));
        assert_eq!(snap_width(&[], 5000), None);
    }

    #[test]
    fn sizes_keep_the_ratio_and_never_enlarge() {
        assert_eq!(output_size((4000, 3000), 640, None, Fit::Cover), (640, 480));
        assert_eq!(output_size((400, 300), 640, None, Fit::Cover), (400, 300));
        let square = Some(Ratio(1, 1));
        assert_eq!(
            output_size((4000, 3000), 640, square, Fit::Cover),
            (640, 640)
        );
        assert_eq!(
            output_size((4000, 3000), 640, square, Fit::Contain),
            (640, 480)
        );
        assert_eq!(output_size((300, 200), 640, square, Fit::Cover), (200, 200));
        assert_eq!(
            output_size((300, 200), 640, square, Fit::Contain),
            (300, 200)
        );
        let wide = Some(Ratio(16, 9));
        assert_eq!(
            output_size((1000, 1000), 640, wide, Fit::Contain),
            (360, 360)
        );
    }

    #[test]
    fn ratios_snap_and_parse() {
        assert_eq!(Ratio::nearest(640, 360), Ratio(16, 9));
        assert_eq!(Ratio::nearest(640, 480), Ratio(4, 3));
        assert_eq!(Ratio::nearest(500, 1000), Ratio(9, 16));
        assert_eq!(Ratio::parse("4x3"), Some(Ratio(4, 3)));
        assert_eq!(Ratio::parse("5x3"), None);
        assert_eq!(Ratio(3, 2).to_string(), "3x2");
    }
}
