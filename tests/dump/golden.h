/*
 * golden.h — compare mdbus-dump text output with an expected file after masking the
 * values that change from run to run (feed name, pids, ages, creation times, the
 * timestamps of STATUS records).  DUMP_UPDATE_GOLDEN=1 rewrites the expected file.
 */
#ifndef MDBUS_TEST_GOLDEN_H
#define MDBUS_TEST_GOLDEN_H

/* Masked copy of text (malloc'd): feed -> "<FEED>", volatile fields -> "<...>". */
char *golden_mask(const char *text, const char *feed);
/* 1 if masked `text` equals dir/name, else 0 (printing both, and writing the actual
 * text next to the build as name.actual). */
int golden_check(const char *dir, const char *name, const char *text, const char *feed);

#endif
