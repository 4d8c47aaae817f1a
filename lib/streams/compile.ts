/**
 * A parsed query → a predicate over a message's words, built once per stream version so that
 * matching a message is set lookups and, for phrases, a short scan: no parsing, no regex.
 *
 * Negations are pushed down to single terms first (De Morgan), which makes the query's
 * "triggers" exact: keys of which every matching message holds at least one. The matcher
 * indexes streams by them and evaluates a stream only for messages containing a trigger.
 */
import { PulseError } from '../errors.ts';
import type { QueryNode } from './query.ts';
import { tagKey, type MessageWords } from './text.ts';

export interface CompiledQuery {
  test(words: MessageWords): boolean;
  /** A matching message contains at least one of these keys (MessageWords.keys). */
  readonly triggers: readonly string[];
}

type Predicate = (words: MessageWords) => boolean;
type Leaf = Extract<QueryNode, { kind: 'word' | 'hashtag' | 'mention' | 'phrase' }>;

/** A compiled subtree; `triggers` is null when it can match a message that has none of its words. */
interface Part {
  test: Predicate;
  triggers: string[] | null;
}

function has(key: string): Predicate {
  return (w) => w.keys.has(key);
}

function phrase(words: readonly string[]): Predicate {
  return (w) => {
    // Most messages lack one of the words: refuse them by lookups before scanning for the sequence.
    for (const word of words) if (!w.keys.has(word)) return false;
    const seq = w.sequence;
    next: for (let i = 0; i + words.length <= seq.length; i++) {
      for (let j = 0; j < words.length; j++) if (seq[i + j] !== words[j]) continue next;
      return true;
    }
    return false;
  };
}

function leafTest(node: Leaf): Predicate {
  switch (node.kind) {
    case 'word':
      return has(node.word);
    case 'hashtag':
    case 'mention':
      return has(tagKey(node.kind, node.name));
    case 'phrase':
      return node.words.length === 1 ? has(node.words[0]!) : phrase(node.words);
  }
}

/** The one key a leaf is indexed under; for a phrase its longest word, likely its rarest. */
function leafTrigger(node: Leaf): string {
  switch (node.kind) {
    case 'word':
      return node.word;
    case 'hashtag':
    case 'mention':
      return tagKey(node.kind, node.name);
    case 'phrase':
      return node.words.reduce((a, b) => (b.length > a.length ? b : a));
  }
}

function all(parts: Part[]): Part {
  const tests = parts.map((p) => p.test);
  // Any one operand's triggers cover the conjunction; the fewest keys wake it the least often.
  let triggers: string[] | null = null;
  for (const p of parts) if (p.triggers && (!triggers || p.triggers.length < triggers.length)) triggers = p.triggers;
  return {
    test: (w) => {
      for (const t of tests) if (!t(w)) return false;
      return true;
    },
    triggers,
  };
}

function any(parts: Part[]): Part {
  const tests = parts.map((p) => p.test);
  const covered = parts.every((p) => p.triggers);
  return {
    test: (w) => {
      for (const t of tests) if (t(w)) return true;
      return false;
    },
    triggers: covered ? [...new Set(parts.flatMap((p) => p.triggers!))] : null,
  };
}

function compileNode(node: QueryNode, negated: boolean): Part {
  switch (node.kind) {
    case 'not':
      return compileNode(node.operand, !negated);
    case 'and':
    case 'or': {
      // NOT (a AND b) = NOT a OR NOT b, and NOT (a OR b) = NOT a AND NOT b.
      const parts = node.operands.map((n) => compileNode(n, negated));
      return (node.kind === 'and') !== negated ? all(parts) : any(parts);
    }
    default: {
      const test = leafTest(node);
      return negated ? { test: (w) => !test(w), triggers: null } : { test, triggers: [leafTrigger(node)] };
    }
  }
}

export function compileQuery(ast: QueryNode): CompiledQuery {
  const { test, triggers } = compileNode(ast, false);
  // parseQuery refuses such queries with a position; this guards ASTs built by hand.
  if (!triggers) throw new PulseError('STREAM_QUERY_INVALID', 'the query matches messages without any of its terms');
  return { test, triggers };
}
