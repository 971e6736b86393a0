//! Breaking text into lines that fit a width: at spaces where possible, inside a word (a long URL,
//! a reference number) only when the word alone is wider than the line.

// Widths are page geometry; money reaches this module only as text.
#![allow(clippy::float_arithmetic)]

use super::canvas::Style;
use super::fonts::Fonts;

/// The lines of `text` at most `width` mm wide. Line breaks in the text are kept; an empty line
/// stays an empty line, so paragraphs keep their gaps.
pub(crate) fn wrap(fonts: &Fonts, style: Style, text: &str, width: f32) -> Vec<String> {
    let measure = |s: &str| fonts.width(style.face, style.size, s);
    let space = measure(" ");
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        let mut line_w = 0.0;
        for word in paragraph.split_whitespace() {
            let word_w = measure(word);
            if !line.is_empty() && line_w + space + word_w <= width {
                line.push(' ');
                line.push_str(word);
                line_w += space + word_w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if word_w <= width {
                line = word.to_string();
                line_w = word_w;
            } else {
                let mut pieces = break_word(word, width, &measure);
                line = pieces.pop().unwrap_or_default();
                line_w = measure(&line);
                lines.extend(pieces);
            }
        }
        lines.push(line);
    }
    lines
}

/// Cuts a word wider than `width` into pieces that fit, one character at a time.
fn break_word(word: &str, width: f32, measure: &dyn Fn(&str) -> f32) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut piece = String::new();
    let mut piece_w = 0.0;
    let mut buf = [0u8; 4];
    for c in word.chars() {
        let c_w = measure(c.encode_utf8(&mut buf));
        if !piece.is_empty() && piece_w + c_w > width {
            pieces.push(std::mem::take(&mut piece));
            piece_w = 0.0;
        }
        piece.push(c);
        piece_w += c_w;
    }
    pieces.push(piece);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::fonts::Face;

    fn style() -> Style {
        Style::new(Face::Regular, 9.0)
    }

    #[test]
    fn lines_break_at_spaces_and_every_line_fits() {
        let fonts = Fonts::get().unwrap();
        let text = "Deep-conditioning treatment with a scalp massage, blow-dry and a take-home \
                    sample of the argan oil mask we used today";
        let lines = wrap(fonts, style(), text, 50.0);
        assert!(lines.len() >= 3, "{lines:?}");
        for l in &lines {
            assert!(fonts.width(Face::Regular, 9.0, l) <= 50.0, "{l}");
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn a_word_wider_than_the_line_is_cut_and_nothing_is_lost() {
        let fonts = Fonts::get().unwrap();
        let url = "https://pay.example.com/i/abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnop";
        let lines = wrap(fonts, style(), url, 40.0);
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(lines.concat(), url);
        for l in &lines {
            assert!(fonts.width(Face::Regular, 9.0, l) <= 40.0, "{l}");
        }
    }

    #[test]
    fn line_breaks_and_blank_lines_in_the_text_are_kept() {
        let fonts = Fonts::get().unwrap();
        let lines = wrap(fonts, style(), "12 Rue de la Paix\n\n75002 Paris", 100.0);
        assert_eq!(lines, ["12 Rue de la Paix", "", "75002 Paris"]);
        assert!(wrap(fonts, style(), "", 100.0).is_empty());
    }
}
