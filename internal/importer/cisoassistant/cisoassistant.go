// Package cisoassistant reads a CISO Assistant library (YAML) holding a framework, with the
// questions of its requirements, as a Shareline questionnaire.
//
// # The format
//
// A library is one YAML document: urn, ref_id, name, description, copyright, version, locale,
// and objects, which holds the framework ("framework", or a list "frameworks" of which the
// first is read). The framework lists its requirement_nodes in order, each with a urn, a
// parent_urn (none, or depth 1, at the top), ref_id, name, description, annotation,
// typical_evidence, assessable, and questions: a mapping of question urns to questions, as
// CISO Assistant writes them (a list of questions each with its urn is read too). A question
// has a type (unique_choice, multiple_choice, text, number, date, boolean; single_choice is
// read as unique_choice, and no type is text), a text, an annotation, choices (each with a
// urn, a value, add_score, compute_result, description) and depends_on: the question it
// depends on (a urn), answers (urns of that question's choices) and condition (any, the
// default, or all).
//
// # The mapping
//
//   - The questionnaire's key is made of the library's ref_id (or the end of its urn), its
//     title is the framework's name (or the library's) and its description the framework's
//     description, its copyright, and a sentence saying it was imported from a CISO Assistant
//     library, naming the library and its version.
//   - Each top-level requirement node becomes a question: title "ref_id - name" as CISO
//     Assistant shows nodes, prompt its description and annotation. The nodes below it, in the
//     order of the file, give that question's elements, in sections: a node's questions are
//     headed by the names of the nodes from the second level down to it ("Level 2 › Level 3"),
//     and come before the nodes below it; the element of a node without questions, which is
//     named after the node, goes under the heading of the node above (none for a node right
//     below the top, unless headings came before it in the question, when it gets its own).
//     A heading met again later in the question is numbered ("Level 2 (2)") so that each
//     section's elements stay together. A top-level node with nothing to answer anywhere below
//     it (a welcome screen, say) is left out with a note, as are nodes below the top that
//     have nothing to answer and nothing below them.
//   - Each question of a node becomes an element: unique_choice a choice, multiple_choice a
//     multi, text, date and number the same, boolean a choice of Yes and No (in the library's
//     language when it is French, German, Spanish, Italian, Portuguese or Dutch) both earning
//     full credit. The text is the label (cut at 300 characters, the whole then in the help);
//     the help holds the question's annotation, the descriptions of its choices, and, for
//     nodes below the top, the node's description and annotation, then its typical evidence,
//     which also makes the element ask for evidence. An assessable node without questions
//     becomes a status element named like the node (or by its description), so that a plain
//     framework imports too.
//   - Credits come from add_score, within each question: the lowest score earns 0, the highest
//     1, others in proportion (negative scores alike), rounded to three decimals. When no
//     choice has a score, or all have the same, every choice earns 1; so does a choice without
//     a score in a question whose other choices have one (CISO Assistant leaves it out of the
//     score; a note says so). A multi earns its best chosen option, where CISO Assistant adds
//     up the scores: a note says so.
//   - depends_on becomes the element's condition: any is a test that the other element's
//     answer is one of the answers' options, all a test per answer, all holding (one answer:
//     a single test). No answers is a test that the other question is answered. For a boolean
//     question, the answers true and false are its Yes and No.
//   - Keys come from urns: a question's from the last segment of its node's urn; an element's
//     from the last segments of its node's urn and of the question's ("…:gouvernance" and
//     "…:question:2" make gouvernance_question_2); an option's from the end of its choice's
//     urn ("choice_2"); a status element's from its node's. They are made unique where they
//     must be.
//   - What Shareline has no place for (compute_result, colours, implementation groups,
//     translations, score scales, weights, importance, links to reference controls and
//     threats, display settings, other objects of the library, fields it does not know) is
//     left out, with a note for each kind.
//
// # Refusals
//
// A file is refused whole, with every problem found, each at its line: more than 2 MiB, not
// YAML, more than one document, anchors or aliases (which can make a small file expand to
// billions of values), merge keys, more than MaxNodes values, nesting deeper than MaxDepth, a
// value longer than MaxScalar; no framework, no requirement node to answer, a value of the
// wrong kind, a name given twice in a mapping, a urn used twice, an unknown question type, a choice question without choices,
// a depends_on naming a question or an answer that is not in the framework, questions that
// depend on one another in a loop; and what exceeds the limits of the format (100 questions,
// 300 elements in one, 1000 in all, 100 options in one).
package cisoassistant

import (
	"shareline/internal/assess"
)

// Read converts a CISO Assistant library. notes lists, in plain English sentences for an admin,
// each thing that could not be represented (empty when everything was). A refusal is a
// *questionnairefile.Error.
func Read(data []byte) (q *assess.Questionnaire, notes []string, err error) {
	root, err := parse(data)
	if err != nil {
		return nil, nil, err
	}
	r := &reader{}
	lib := r.read(root)
	if err := r.err(); err != nil {
		return nil, nil, err
	}
	q = r.build(lib)
	if err := r.err(); err != nil {
		return nil, nil, err
	}
	return q, r.notes, nil
}
