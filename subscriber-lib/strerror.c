/* strerror.c — one message table for library codes and -errno. */
#include <mdbus/mdbus.h>

#include <string.h>

const char *mdbus_strerror(int err)
{
	switch (err) {
	case 0: return "success";
	case MDBUS_E_NOTREADY: return "feed segment is being created (not ready yet); retry";
	case MDBUS_E_BADMAGIC: return "not an mdbus segment (bad magic or byte order)";
	case MDBUS_E_VERSION: return "segment has an unsupported layout major version";
	case MDBUS_E_TRUNCATED: return "segment is truncated (smaller than its header says)";
	case MDBUS_E_GEOMETRY: return "segment geometry out of bounds (slot size/count, capacity, depth)";
	case MDBUS_E_BOUNDS: return "segment area offset or size outside the segment";
	case MDBUS_E_CORRUPT: return "segment holds an impossible value (corrupt record, symbol or book)";
	case MDBUS_E_FEEDNAME: return "invalid feed name (want [A-Za-z0-9_.-]{1,64}, not ending in .readers/.lock)";
	case MDBUS_E_NOFEED: return "no such feed";
	case MDBUS_E_LOCKED: return "feed is held by another live publisher";
	case MDBUS_E_OWNER: return "segment is owned by another user";
	case MDBUS_E_TOOBIG: return "record payload does not fit the slot";
	case MDBUS_E_NOSYM: return "no such symbol";
	case MDBUS_E_BUSY: return "book kept changing while being read; retry";
	case MDBUS_E_FOREIGN: return "existing object is not an mdbus segment of this layout; remove it explicitly";
	case MDBUS_E_INVAL: return "invalid argument";
	case MDBUS_E_NOSPACE: return "no space for the segment in /dev/shm (or size refused)";
	case MDBUS_E_FULL: return "table full (symbols or reader registry)";
	default:
		break;
	}
	if (err < 0 && err > MDBUS_E_BASE)
		return strerror(-err); /* glibc returns a static string for known errnos */
	return "unknown error";
}
