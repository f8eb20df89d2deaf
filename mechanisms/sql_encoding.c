/*
 * sql_encoding - strict hex and base64 for stored digests.
 *
 * Base64 goes through OpenSSL's EVP_DecodeBlock/EVP_EncodeBlock; the
 * canonical check (re-encoding gives the input back) is ours, because
 * EVP_DecodeBlock accepts some values that are not any encoder's output.
 * Holds no state; logs nothing.
 */
#include <string.h>

#include <openssl/evp.h>

#include "sql_encoding.h"

/* nibble - the value of one hex digit, or -1 */
static int
nibble(char c, bool lower_only)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (!lower_only && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* sql_hex_decode - hex text to bytes */
long
sql_hex_decode(const char *text, size_t len, bool lower_only,
    unsigned char *out, size_t outcap)
{
	size_t i;

	if (len % 2 != 0 || len / 2 > outcap)
		return -1;
	for (i = 0; i < len; i += 2) {
		int hi = nibble(text[i], lower_only);
		int lo = nibble(text[i + 1], lower_only);

		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	return (long)(len / 2);
}

/* sql_hex_encode - bytes to lowercase hex */
void
sql_hex_encode(const unsigned char *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

/* sql_is_hex - only hex digits */
bool
sql_is_hex(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (nibble(text[i], false) < 0)
			return false;
	return len > 0;
}

/* sql_base64_decode - canonical base64 to bytes */
long
sql_base64_decode(const char *text, size_t len, unsigned char *out,
    size_t outcap)
{
	unsigned char buf[1024];
	char check[1400];
	int n, pad = 0;

	if (len == 0 || len % 4 != 0 || len / 4 * 3 > sizeof(buf) ||
	    len >= sizeof(check))
		return -1;
	/* EVP_DecodeBlock counts padding as zero bytes: take them off */
	if (text[len - 1] == '=')
		pad++;
	if (text[len - 2] == '=')
		pad++;
	n = EVP_DecodeBlock(buf, (const unsigned char *)text, (int)len);
	if (n < 0 || n < pad)
		return -1;
	n -= pad;
	if (EVP_EncodeBlock((unsigned char *)check, buf, n) != (int)len ||
	    memcmp(check, text, len) != 0 || (size_t)n > outcap) {
		OPENSSL_cleanse(buf, sizeof(buf));
		return -1;
	}
	memcpy(out, buf, (size_t)n);
	OPENSSL_cleanse(buf, sizeof(buf));
	return n;
}
