/*
 * sql_encoding - how stored digests are written: hex and base64.
 *
 * Decoders are strict: a value that is not exactly the encoding of some
 * bytes (wrong alphabet, wrong length, non-canonical base64) is refused, so
 * a damaged stored value is reported as such rather than half-used.
 */
#ifndef SQL_ENCODING_H
#define SQL_ENCODING_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Decode hex text of length len into out (capacity outcap). lower_only
 * refuses A-F (pam_mysql compares lowercase hex with strcmp()).
 * Returns the number of bytes, or -1.
 */
long sql_hex_decode(const char *text, size_t len, bool lower_only,
    unsigned char *out, size_t outcap);

/* Encode len bytes as lowercase hex into out (2 * len + 1 bytes). */
void sql_hex_encode(const unsigned char *in, size_t len, char *out);

/*
 * Decode standard base64 (with '=' padding) into out (capacity outcap).
 * Returns the number of bytes, or -1 when text is not canonical base64.
 */
long sql_base64_decode(const char *text, size_t len, unsigned char *out,
    size_t outcap);

/* True when text is len hex digits (either case). */
bool sql_is_hex(const char *text, size_t len);

#endif
