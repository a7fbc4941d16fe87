/*
 * kraken_json.h — a strict, allocation-free JSON (RFC 8259) tokenizer, in the
 * manner of jsmn, plus the number-quoting pre-pass that lets cJSON keep
 * number text.
 *
 * kj_parse validates a whole document and writes a flat array of tokens in
 * document order into a caller-supplied array: no allocation, no recursion,
 * one pass. Tokens carry byte offsets into the input, so numbers keep their
 * exact text (kraken_decimal converts it) and strings are decoded only when
 * and if a caller needs them.
 *
 * Strictness (all refused with -EINVAL): anything but exactly one value with
 * optional whitespace around it (space, tab, LF, CR only); trailing commas;
 * leading zeros, lone '-', "1.", ".5", "+1", "1e"; raw control characters
 * (< 0x20) in strings; escapes other than \" \\ \/ \b \f \n \r \t \uXXXX;
 * invalid UTF-8 (overlong, surrogates, > U+10FFFF, truncated); a UTF-8 BOM.
 * Two deliberate restrictions beyond RFC 8259, shared by kj_quote_numbers so
 * both decoding paths agree: \u0000 is refused (every consumer stores C
 * strings, and cJSON would silently cut the string there), and \u escapes
 * must form valid UTF-16 (no lone surrogates — cJSON refuses them too).
 * Nesting deeper than KJ_MAX_DEPTH is refused with -E2BIG.
 *
 * Token layout: a container token is followed by its children; an object's
 * children alternate key (a STRING token) and value. tok[i].next is the index
 * just past token i's subtree, so unknown values are skipped in O(1).
 * All functions are pure (no global state): any thread.
 */
#ifndef MDBUS_KRAKEN_JSON_H
#define MDBUS_KRAKEN_JSON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KJ_MAX_DEPTH 32          /* containers nested deeper: -E2BIG */
#define KJ_MAX_INPUT 0x7fffffffu /* offsets are 32-bit; longer input: -EFBIG */

enum kj_type {
    KJ_UNDEFINED = 0,
    KJ_OBJECT,
    KJ_ARRAY,
    KJ_STRING,
    KJ_NUMBER,
    KJ_TRUE,
    KJ_FALSE,
    KJ_NULL,
};

/* kj_token.flags */
#define KJ_F_ESCAPED 0x01  /* string contains '\' escapes: decode before use */
#define KJ_F_NONASCII 0x02 /* string contains UTF-8 multi-byte sequences */
#define KJ_F_DIGITS 0x04   /* number: digits and nfrac hold its exact value (below) */

/* Most decimals fit 19 digits: the tokenizer, which has every digit in hand
 * anyway, keeps their value so the decoder need not scan the text again.
 * KJ_F_DIGITS is set for numbers without an exponent and with at most
 * KJ_DIGITS_MAX digits (leading zeros count); value = (text starts with '-'
 * ? -1 : 1) * digits / 10^nfrac. Other numbers keep only their text. */
#define KJ_DIGITS_MAX 19

struct kj_token {
    uint32_t start; /* first byte; for strings, just after the opening quote */
    uint32_t end;   /* one past the last byte; for strings, the closing quote */
    uint32_t next;  /* index of the first token after this token's subtree */
    uint32_t size;  /* object: members (key/value pairs); array: elements; else 0 */
    uint8_t type;   /* enum kj_type */
    uint8_t flags;  /* KJ_F_* (strings only) */
    uint16_t depth; /* containers enclosing this token; 0 for the root */
    uint8_t nfrac;   /* with KJ_F_DIGITS: digits after the '.'; else unspecified */
    uint64_t digits; /* with KJ_F_DIGITS: every digit, as one integer; else unspecified */
};

/*
 * Tokenize js[0..len). Returns the number of tokens (>= 1) on success.
 * Errors: -EINVAL malformed; -E2BIG nesting deeper than KJ_MAX_DEPTH;
 * -EFBIG len > KJ_MAX_INPUT; -ENOSPC the input is valid JSON but needs more
 * than ntok tokens (the whole input is still validated first, so -ENOSPC
 * never hides a syntax error). tok may be NULL with ntok 0: then the input is
 * only validated and the token count it needs is returned.
 * On error the contents of tok[] are unspecified.
 */
int kj_parse(const char *js, size_t len, struct kj_token *tok, size_t ntok);

/*
 * Decode the raw text of a string token (js + tok.start, tok.end - tok.start,
 * already validated by kj_parse) into out as UTF-8 with a terminating NUL.
 * Returns 0 and the decoded length in *out_len (may be NULL); -ENOSPC if the
 * decoded text plus NUL exceeds cap; -EINVAL if the text is not a valid JSON
 * string body (only possible if it did not come from kj_parse).
 */
int kj_unescape(const char *s, size_t len, char *out, size_t cap, size_t *out_len);

/*
 * 1 if string token t of document js decodes to exactly lit[0..n), else 0.
 * Unescaped tokens (the common case) compare in place; escaped ones are
 * decoded first, so "\u0073ymbol" equals "symbol" as JSON says it does.
 */
int kj_streq(const char *js, const struct kj_token *t, const char *lit, size_t n);

/*
 * Copy in[0..len) to out, wrapping every number outside strings in double
 * quotes ("price":45283.5 -> "price":"45283.5"), so that a DOM parser such as
 * cJSON keeps the exact text instead of a double. out is NUL-terminated;
 * *out_len (may be NULL) gets the length without the NUL. The output needs at
 * most KJ_QUOTE_CAP(len) bytes.
 * The pass is lexical: it refuses, with -EINVAL, every lexical error kj_parse
 * refuses (bad numbers, strings, escapes, UTF-8, literals, stray bytes,
 * non-RFC whitespace such as the BOM or \v that cJSON would skip), and -E2BIG
 * for nesting deeper than KJ_MAX_DEPTH; structure (commas, colons, bracket
 * matching) is left to the DOM parser, except that a number where an object key
 * belongs is refused (-EINVAL): quoted, it would become a valid key. -ENOSPC if out is too small, -EFBIG
 * if len > KJ_MAX_INPUT.
 */
int kj_quote_numbers(const char *in, size_t len, char *out, size_t cap, size_t *out_len);

/* An output size that always suffices for kj_quote_numbers: every number
 * grows by two quotes and numbers are at least every other byte ("0,0"),
 * plus the NUL. */
#define KJ_QUOTE_CAP(len) (2 * (size_t)(len) + 2)

#ifdef __cplusplus
}
#endif

#endif /* MDBUS_KRAKEN_JSON_H */
