//! From the filled SVG to PNG bytes.

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{Options, Tree};

use crate::{CardError, HEIGHT, WIDTH, fonts};

/// Parses `svg` with the bundled fonts only and draws it onto a [`WIDTH`] x [`HEIGHT`] pixmap.
pub fn rasterize(svg: &str) -> Result<Vec<u8>, CardError> {
    let options = Options {
        font_family: fonts::FAMILY.to_owned(),
        fontdb: fonts::database(),
        ..Options::default()
    };
    let tree = Tree::from_str(svg, &options)?;
    let mut pixmap = Pixmap::new(WIDTH, HEIGHT).ok_or(CardError::Pixmap)?;
    resvg::render(&tree, Transform::identity(), &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|error| CardError::Png(error.to_string()))
}
