//! Escaping of text placed into the HTML and SVG that Neuraxis writes (the review report, the
//! learning curve): one rule for element content and quoted attribute values in both.

/// `text` made safe for HTML/SVG element content and double- or single-quoted attribute values.
///
/// The apostrophe becomes `&#39;`, which HTML 4, HTML 5 and XML all read. Control characters
/// other than tab and line breaks become spaces: XML 1.0 forbids them in SVG.
pub fn escape_markup(text: &str) -> String {
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
            escape_markup("<script>alert('x')</script> & \"q\"\u{0}"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot; "
        );
        assert_eq!(escape_markup("L3–L4 ✓"), "L3–L4 ✓");
    }

    #[test]
    fn markup_characters_in_chart_text_are_escaped() {
        assert_eq!(
            escape_markup("<L3&L4> \"Dr's\"\u{7}"),
            "&lt;L3&amp;L4&gt; &quot;Dr&#39;s&quot; "
        );
    }
}
