/*
 * faults.c — contents of injected garbage and oversized messages (see faults.h).
 */
#include "faults.h"

#include "options.h"

#include <string.h>

const char *mx_fault_garbage(struct wbuf *w, uint64_t nth, const char *symbol)
{
	switch (nth % 4) {
	case 0:
		/* What a proxy in front of the real endpoint has been seen to send. */
		WB_LIT(w, "CloudFlare WebSocket proxy restarting");
		return "non-json";
	case 1:
		WB_LIT(w, "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":");
		wb_jstr(w, symbol, strlen(symbol));
		WB_LIT(w, ",\"bids\":[{\"price\":45283.5,\"qty\":0.");
		return "truncated-json";
	case 2:
		WB_LIT(w, "{\"channel\":\"mdbus_mock_unknown\",\"type\":\"update\",\"data\":[{\"symbol\":");
		wb_jstr(w, symbol, strlen(symbol));
		WB_LIT(w, ",\"value\":1}]}");
		return "unknown-channel";
	default:
		WB_LIT(w, "{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":");
		wb_jstr(w, symbol, strlen(symbol));
		WB_LIT(w, ",\"side\":\"buy\",\"price\":1e400,"
			  "\"qty\":-123456789012345678901234567890.123456789012,"
			  "\"ord_type\":\"market\",\"trade_id\":-1,"
			  "\"timestamp\":\"9999-99-99T99:99:99.999999Z\"}]}");
		return "absurd-numbers";
	}
}

void mx_fault_oversize(struct wbuf *w, const char *symbol)
{
	static const char tail[] = "\"}]}";
	size_t head, pad;

	WB_LIT(w, "{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":");
	wb_jstr(w, symbol, strlen(symbol));
	WB_LIT(w, ",\"padding\":\"");
	head = wb_len(w);
	if (head + sizeof(tail) > MX_OVERSIZE_BYTES || (size_t)(w->end - w->p) < MX_OVERSIZE_BYTES - head) {
		w->overflow = 1;
		return;
	}
	pad = MX_OVERSIZE_BYTES - head - (sizeof(tail) - 1);
	memset(w->p, 'x', pad);
	w->p += pad;
	WB_LIT(w, tail);
}
