package templates

import "strings"

// inline escapes text from the cluster, a source, an error or the
// configuration for one line of markdown: a table cell, a heading, a list
// item. Names are data, not markup: nothing in them may end a table cell,
// start a line, open a link or an image, render as HTML, or emphasise.
var inline = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `~`, `\~`, `[`, `\[`, `]`, `\]`, `|`, `\|`,
	`<`, `&lt;`, `>`, `&gt;`, `&`, `&amp;`,
	"\r\n", " ", "\n", " ", "\r", " ", "\t", " ",
)

// prose escapes the narrative, a language model's text: its paragraphs
// and bold lead words stay, but it can open no link, image or code span
// and write no HTML or table.
var prose = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `[`, `\[`, `]`, `\]`, `|`, `\|`,
	`<`, `&lt;`, `>`, `&gt;`, `&`, `&amp;`, "\r", "",
)

// Inline is s escaped for one line of markdown.
func Inline(s string) string { return inline.Replace(s) }

// escapeProse is s escaped as markdown paragraphs.
func escapeProse(s string) string { return prose.Replace(s) }
