//! Meilisearch's typo rule as a tantivy query, so both engines find the same words.
//!
//! Like Meilisearch (milli's word derivations): a word of 5 to 8 characters matches terms
//! within one typo that start with the same letter; a word of 9 or more matches terms within two
//! typos that start with the same letter, or within one typo that start with another letter (a
//! wrong first letter costs two). A transposition is one typo. The last query word also matches
//! as a prefix, typos included.
use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};
use std::sync::Arc;
use tantivy::query::{AutomatonWeight, EnableScoring, Query, Weight};
use tantivy::schema::Field;
use tantivy_fst::Automaton;

/// Accepts the terms a query word matches under the typo rule.
pub struct TypoAutomaton {
    /// UTF-8 bytes of the word's first character.
    first: Vec<u8>,
    /// Terms within the word's whole budget.
    within_budget: DFA,
    /// Terms within one typo (for a different first letter; only with a budget of two).
    within_one: Option<DFA>,
}

/// Where the automaton is after some bytes of a term.
#[derive(Clone)]
pub struct TypoState {
    budget: u32,
    one: u32,
    first_pos: usize,
    same_first: bool,
}

impl TypoAutomaton {
    /// The automaton for `word` with `budget` typos (0 to 2); `prefix` for the last word.
    pub fn new(word: &str, budget: u8, prefix: bool) -> Self {
        let build = |distance: u8| {
            let builder = builder(distance);
            if prefix {
                builder.build_prefix_dfa(word)
            } else {
                builder.build_dfa(word)
            }
        };
        Self {
            first: word
                .chars()
                .next()
                .map(|c| c.to_string().into_bytes())
                .unwrap_or_default(),
            within_budget: build(budget.min(2)),
            within_one: (budget >= 2).then(|| build(1)),
        }
    }
}

/// The automaton builder for `distance` (0 to 2), made once per process: building one for two
/// typos takes tens of milliseconds and megabytes, and it does not depend on the word.
fn builder(distance: u8) -> &'static LevenshteinAutomatonBuilder {
    static BUILDERS: [std::sync::OnceLock<LevenshteinAutomatonBuilder>; 3] =
        [const { std::sync::OnceLock::new() }; 3];
    let distance = distance.min(2);
    BUILDERS[usize::from(distance)].get_or_init(|| LevenshteinAutomatonBuilder::new(distance, true))
}

fn exact(dfa: &DFA, state: u32) -> bool {
    matches!(dfa.distance(state), Distance::Exact(_))
}

impl Automaton for TypoAutomaton {
    type State = TypoState;

    fn start(&self) -> TypoState {
        TypoState {
            budget: self.within_budget.initial_state(),
            one: self
                .within_one
                .as_ref()
                .map_or(SINK_STATE, DFA::initial_state),
            first_pos: 0,
            same_first: true,
        }
    }

    fn is_match(&self, s: &TypoState) -> bool {
        if s.same_first {
            s.first_pos >= self.first.len() && exact(&self.within_budget, s.budget)
        } else {
            self.within_one.as_ref().is_some_and(|d| exact(d, s.one))
        }
    }

    fn can_match(&self, s: &TypoState) -> bool {
        if s.same_first {
            s.budget != SINK_STATE
        } else {
            self.within_one.is_some() && s.one != SINK_STATE
        }
    }

    fn accept(&self, s: &TypoState, byte: u8) -> TypoState {
        let mut next = s.clone();
        next.budget = self.within_budget.transition(s.budget, byte);
        if let Some(one) = &self.within_one {
            next.one = one.transition(s.one, byte);
        }
        if s.same_first && s.first_pos < self.first.len() {
            next.same_first = self.first[s.first_pos] == byte;
            next.first_pos += 1;
        }
        next
    }
}

/// A query matching the documents whose `field` holds a term the word matches.
#[derive(Clone)]
pub struct TypoQuery {
    field: Field,
    automaton: Arc<TypoAutomaton>,
}

impl TypoQuery {
    /// The query for `automaton` in `field` (one automaton per word, shared by its fields).
    pub fn with(field: Field, automaton: Arc<TypoAutomaton>) -> Self {
        Self { field, automaton }
    }
}

impl std::fmt::Debug for TypoQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypoQuery")
            .field("field", &self.field)
            .finish_non_exhaustive()
    }
}

impl Query for TypoQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AutomatonWeight::<TypoAutomaton>::new(
            self.field,
            self.automaton.clone(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(word: &str, budget: u8, prefix: bool, term: &str) -> bool {
        let a = TypoAutomaton::new(word, budget, prefix);
        let mut s = a.start();
        for b in term.bytes() {
            s = a.accept(&s, b);
            if !a.can_match(&s) {
                return false;
            }
        }
        a.is_match(&s)
    }

    #[test]
    fn follows_meilisearch_typo_rule() {
        assert!(accepts("incotrems", 2, false, "incoterms"));
        assert!(accepts("exportrs", 1, false, "exporters"));
        // One typo, but on the first letter: not with a budget of one...
        assert!(!accepts("xhipping", 1, false, "shipping"));
        // ...and with a budget of two it costs both.
        assert!(accepts("xontainers", 2, false, "containers"));
        assert!(!accepts("xontainrs", 2, false, "containers"));
        assert!(accepts("contaners", 2, false, "containers"));
        assert!(!accepts("cars", 0, false, "cart"));
        assert!(accepts("cont", 0, true, "container"));
        assert!(accepts("contai", 1, true, "contianer"));
        assert!(accepts("扩散", 0, false, "扩散"));
        assert!(!accepts("扩散", 0, false, "模型"));
    }
}
