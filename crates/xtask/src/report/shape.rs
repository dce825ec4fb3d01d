//! The shape a layer chart makes, called what it is: a "test pyramid" chart of a diamond
//! would mislead the very readers it is for.

/// The outline of three stacked bars, read from the top (e2e) down (unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Each layer wider than the one above it.
    Pyramid,
    /// Each layer narrower than the one above it: most of the weight on top.
    IceCreamCone,
    /// The middle layer widest.
    Diamond,
    /// The middle layer narrowest.
    Hourglass,
    /// Two layers equal, or fewer than three layers.
    Irregular,
}

impl Shape {
    /// The shape of bars of these widths, listed from the top down.
    pub fn of(top_down: &[f64]) -> Self {
        let &[top, middle, bottom] = top_down else { return Shape::Irregular };
        if top < middle && middle < bottom {
            Shape::Pyramid
        } else if top > middle && middle > bottom {
            Shape::IceCreamCone
        } else if middle > top && middle > bottom {
            Shape::Diamond
        } else if middle < top && middle < bottom {
            Shape::Hourglass
        } else {
            Shape::Irregular
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Shape::Pyramid => "a pyramid",
            Shape::IceCreamCone => "an ice-cream cone (inverted pyramid)",
            Shape::Diamond => "a diamond",
            Shape::Hourglass => "an hourglass",
            Shape::Irregular => "no clear shape",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_outline_is_called_what_it_is() {
        assert_eq!(Shape::of(&[5.0, 20.0, 75.0]), Shape::Pyramid);
        assert_eq!(Shape::of(&[75.0, 20.0, 5.0]), Shape::IceCreamCone);
        assert_eq!(Shape::of(&[3.0, 189.0, 123.0]), Shape::Diamond, "the report this replaces called this a pyramid");
        assert_eq!(Shape::of(&[30.0, 3.0, 45.0]), Shape::Hourglass);
        assert_eq!(Shape::of(&[10.0, 10.0, 20.0]), Shape::Irregular);
        assert_eq!(Shape::of(&[1.0, 2.0]), Shape::Irregular);
    }
}
