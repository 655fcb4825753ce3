//! Escaping of text placed into HTML and inline SVG (element content and quoted attributes).

/// `text` made safe for HTML/SVG element content and double- or single-quoted attribute values.
/// Control characters other than tab and line breaks become spaces (XML forbids them in SVG).
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => escaped.push(' '),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_quotes_and_control_characters_are_neutralised() {
        assert_eq!(
            escape_html("<script>alert('x')</script> & \"q\"\u{0}"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot; "
        );
        assert_eq!(escape_html("L3–L4 ✓"), "L3–L4 ✓");
    }
}
