/* kith-option-library.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One option for a shared decision, written for the person. */
typedef struct
{
  char     *id;
  char     *title;
  char     *summary;
  char     *benefits;
  char     *risks;
  char     *practicalities;
  char     *kind;
  gboolean  safe_to_defer;
} KithOption;

typedef struct _KithOptionLibrary KithOptionLibrary;

/* The practice's own library if it has one ($KITH_OPTIONS, or
 * $XDG_CONFIG_HOME/kith/options.json), else Kith's bundled default. */
KithOptionLibrary *kith_option_library_get_default (void);
KithOptionLibrary *kith_option_library_new_from_file (const char  *path,
                                                      GError     **error);
void               kith_option_library_free        (KithOptionLibrary *self);
const KithOption  *kith_option_library_lookup      (KithOptionLibrary *self,
                                                    const char        *id);
/* The options for a need (a needs rule id): those the rule names that the
 * library has, with "not now" only where deferring is safe. Borrowed
 * pointers in a new array. */
GPtrArray         *kith_option_library_for_need    (KithOptionLibrary *self,
                                                    const char        *need_rule_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithOptionLibrary, kith_option_library_free)

G_END_DECLS
