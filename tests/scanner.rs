//! The scanner (`Tree::scan`) against roxmltree: wherever it reads a document, roxmltree accepts
//! it and gives the same tree; it reads the real corpus; and it leaves every form outside its
//! subset, and every error, to roxmltree.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use tsq::model::Tree;

/// The scanner reads `doc` and gives roxmltree's tree.
fn same_tree(doc: &str) {
    let scanned = Tree::scan(doc).unwrap_or_else(|| panic!("the scanner gave up on {doc:?}"));
    let parsed = tsq::syntax::parse(doc).unwrap_or_else(|e| panic!("roxmltree refuses {doc:?}: {}", e.message));
    assert_eq!(Tree::from_node(doc, parsed.root_element()), scanned, "{doc:?}");
}

#[test]
fn the_scanner_reads_the_plain_forms_as_roxmltree_does() {
    let cases = [
        "<sequence version=\"3.10\"/>",
        "<?xml version=\"1.0\"?>\r\n<sequence/>",
        "<?xml version='1.0' encoding='utf-8' standalone='yes' ?><sequence></sequence>",
        "<!-- a --><!----><sequence a = 'x\"y>z' b=\"&amp;&lt;&#38;&#x26;\"><!-- b --></sequence>\n<!-- after -->\n",
        // Comments before a step, with whitespace, character references to whitespace, no-break
        // spaces and whitespace CDATA between them (not content), or text that is (which ends
        // the run of leading comments).
        "<sequence><group><!-- 1 -->\n <!-- 2 --><step/></group></sequence>",
        "<sequence><group>x<!-- 1 --> <step/><!-- 2 -->y<!-- 3 --><step/></group></sequence>",
        "<sequence><group><!-- 1 -->&#32;&#x9;<!-- 2 -->\u{a0}<![CDATA[ ]]><step/></group></sequence>",
        "<sequence><group><!-- 1 -->&#65;<!-- 2 --><step/><!-- 3 --><![CDATA[x]]><step/></group></sequence>",
        "<sequence><group><!-- 1 --><step><!-- inner --></step><!-- 2 --><step/></group></sequence>",
        // Content with `>`, `]` and references; attributes in single quotes; CRLF line ends.
        "<sequence>\r\n<step name='a'><action>a > b ] c &quot;d&quot;</action><defaultVarList><variable name=\"x\">]]</variable></defaultVarList></step>\r\n</sequence>\r\n",
        "<sequence><step name=\"\u{e9}t\u{e9} \u{1F600}\"><action>\u{e9}</action></step></sequence>",
        "<Rules><Rule><Variables><Variable Name=\"A\">1</Variable></Variables></Rule></Rules>",
        // The 2007 wrapper declares two prefixes it never uses.
        "<SmsTaskSequencePackage xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd='http://www.w3.org/2001/XMLSchema'>\n  <Name>x</Name><SequenceData><!-- c --><sequence/></SequenceData></SmsTaskSequencePackage>",
    ];
    for doc in cases {
        same_tree(doc);
    }
}

#[test]
fn the_scanner_leaves_other_forms_and_every_error_to_roxmltree() {
    let other_forms = [
        "<a:sequence xmlns:a=\"urn:x\"/>",
        "<sequence xmlns=\"urn:x\"/>",
        "<sequence xmlns:a=\"urn:x\"><a:step/></sequence>",
        "<sequence xmlns:a=\"urn:>\"/>",
        "<sequence xmlns:a=\"urn:&amp;\"/>",
        "<sequence xmlns:a=\"\"/>",
        "<sequence xmlns:a=\"http://www.w3.org/XML/1998/namespace\"/>",
        "<sequence xmlns:xml=\"http://www.w3.org/XML/1998/namespace\"/>",
        "<sequence><step a:name=\"x\" xmlns:a=\"urn:x\"/></sequence>",
        "<?xml version=\"1.1\"?><sequence/>",
        "<?xml encoding=\"utf-8\" version=\"1.0\"?><sequence/>",
        "<?pi x?><sequence/>",
        "<sequence><?pi x?></sequence>",
        "<!DOCTYPE sequence><sequence/>",
        "<s\u{e9}quence/>",
        "<sequence \u{e9}=\"1\"/>",
        "<xmlthing/>",
        "<sequence>&#X41;</sequence>",
        "<sequence>&#x+41;</sequence>",
        "<sequence a=\"&#+65;\"/>",
        "<sequence>\u{FFFF}</sequence>",
        "<sequence>&#xD800;</sequence>",
    ];
    let errors = [
        "",
        "  ",
        "<!-- only a comment -->",
        "<sequence>",
        "<sequence></sequenc>",
        "<sequence></sequence><sequence/>",
        "<sequence/>text",
        "text<sequence/>",
        "<sequence a=\"1\" a=\"2\"/>",
        "<sequence a=\"1\"b=\"2\"/>",
        "<sequence a=\"<\"/>",
        "<sequence a=1/>",
        "<sequence a=\"&bogus;\"/>",
        "<sequence>&#0;</sequence>",
        "<sequence>a]]>b</sequence>",
        "<sequence><!-- a -- b --></sequence>",
        "<sequence><!-- a ---></sequence>",
        "<sequence>\u{1}</sequence>",
        "<sequence><![CDATA[x</sequence>",
        "<sequence / >",
        "<sequence xmlns:a=\"urn:x\" xmlns:a=\"urn:y\"/>",
    ];
    for doc in other_forms.iter().chain(&errors) {
        assert!(Tree::scan(doc).is_none(), "the scanner read {doc:?}");
    }
    for doc in errors {
        assert!(tsq::syntax::parse(doc).is_err(), "roxmltree reads {doc:?}");
    }
    // roxmltree reads them itself, and its tree is converted: the start tag ends at its own `>`,
    // not at one inside a namespace declaration's value (which roxmltree does not list among the
    // attributes).
    let cases = [("<sequence b=\"1\" xmlns:a=\"urn:>\"><step/></sequence>", 32), ("<sequence xmlns:a='urn:\">'/>", 28)];
    for (doc, tag_end) in cases {
        assert!(Tree::scan(doc).is_none(), "{doc}");
        let parsed = tsq::syntax::parse(doc).unwrap();
        assert_eq!(Tree::from_node(doc, parsed.root_element()).elem(Tree::ROOT).tag_end, tag_end, "{doc}");
    }
}

#[test]
fn the_scanner_reads_the_corpus_as_roxmltree_does() {
    let Some((dir, _)) = support::corpus_or_skip("the scanner corpus test") else { return };
    let (mut files, mut scanned) = (0, 0);
    for path in support::manifest_paths(&dir) {
        let bytes = std::fs::read(dir.join(&path)).unwrap();
        files += 1;
        scanned += support::invariants::check_tree(&path, &bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    println!("the scanner read {scanned} documents of {files} corpus files");
    // Every well-formed corpus file is in the plain form; an object.xml counts twice (the file,
    // which tsq reads with quick-xml, and the sequence in its CDATA, which the scanner reads).
    let object_xml = support::manifest_paths(&dir).iter().filter(|p| p.ends_with("object.xml")).count();
    assert_eq!(scanned, files - 1 + object_xml, "the scanner read {scanned} documents of {files} files");
}
