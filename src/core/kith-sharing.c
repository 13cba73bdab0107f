/* kith-sharing.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kith-sharing"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kith-fhir.h"
#include "kith-sharing.h"
#include "kith-store.h"

static const char * const roles[] = {
  "gp", N_("GP"),
  "nurse", N_("Nurse"),
  "social-worker", N_("Social worker"),
  "co-ordinator", N_("Care co-ordinator"),
  "volunteer", N_("Volunteer"),
  NULL,
};

const char * const *
kith_sharing_roles (void)
{
  return roles;
}

const char *
kith_sharing_role_label (const char *role)
{
  for (guint i = 0; roles[i]; i += 2)
    if (g_strcmp0 (roles[i], role) == 0)
      return _(roles[i + 1]);
  return role;
}

/* Every active record-sharing Consent of the person, newest first. */
static GPtrArray *
list_active (KithStore   *store,
             const char  *patient_id,
             GError     **error)
{
  g_autoptr(GPtrArray) all = kith_store_list_for_patient (store, "Consent", patient_id, error);
  g_autoptr(GPtrArray) active = NULL;

  if (all == NULL)
    return NULL;
  active = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < all->len; i++)
    {
      JsonObject *resource = all->pdata[i];

      if (kith_consent_is_record_sharing (resource) && !kith_consent_is_redacted (resource) &&
          g_strcmp0 (kith_fhir_get_string (resource, "status"), "active") == 0)
        g_ptr_array_add (active, json_object_ref (resource));
    }
  return g_steal_pointer (&active);
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  JsonObject *ca = *(JsonObject **) a;
  JsonObject *cb = *(JsonObject **) b;

  return -g_strcmp0 (kith_fhir_get_string (ca, "dateTime"), kith_fhir_get_string (cb, "dateTime"));
}

KithConsent *
kith_sharing_load (KithStore   *store,
                   const char  *patient_id,
                   GError     **error)
{
  g_autoptr(GPtrArray) active = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  if (!(active = list_active (store, patient_id, error)) || active->len == 0)
    return NULL;
  g_ptr_array_sort (active, compare_newest_first);
  return kith_consent_from_fhir (active->pdata[0], error);
}

gboolean
kith_sharing_save (KithStore    *store,
                   KithConsent  *consent,
                   const char   *recorded_by,
                   GError      **error)
{
  g_autoptr(GPtrArray) active = NULL;
  g_autoptr(JsonObject) resource = NULL;
  g_autofree char *words = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (consent != NULL && consent->patient_id != NULL, FALSE);

  words = g_strstrip (g_strdup (consent->own_words ? consent->own_words : ""));
  if (*words == '\0')
    {
      g_set_error_literal (error, KITH_CONSENT_ERROR, KITH_CONSENT_ERROR_INVALID,
                           _("Write down what the person said about sharing their record, in their words."));
      return FALSE;
    }
  g_free (consent->own_words);
  consent->own_words = g_steal_pointer (&words);
  g_free (consent->recorded_by);
  consent->recorded_by = g_strdup (recorded_by);
  g_free (consent->date_time);
  consent->date_time = kith_fhir_now_instant ();

  if (!(active = list_active (store, consent->patient_id, error)))
    return FALSE;
  /* New choices are a new version of the same Consent: the server keeps
   * one active Consent a person, and the history keeps the old choices. */
  if (consent->id == NULL && active->len > 0)
    {
      g_ptr_array_sort (active, compare_newest_first);
      consent->id = g_strdup (kith_fhir_get_string (active->pdata[0], "id"));
    }
  if (consent->id == NULL)
    consent->id = kith_fhir_new_id ();
  resource = kith_consent_to_fhir (consent);
  if (!kith_store_begin (store, error))
    return FALSE;
  /* One set of choices at a time: the earlier ones stay in the history. */
  for (guint i = 0; i < active->len; i++)
    {
      JsonObject *earlier = active->pdata[i];

      if (g_strcmp0 (kith_fhir_get_string (earlier, "id"), consent->id) == 0)
        continue;
      json_object_set_string_member (earlier, "status", "inactive");
      if (!kith_store_save_resource (store, earlier, NULL, error))
        {
          kith_store_rollback (store);
          return FALSE;
        }
    }
  if (!kith_store_save_resource (store, resource, NULL, error))
    {
      kith_store_rollback (store);
      return FALSE;
    }
  return kith_store_commit (store, error);
}

char *
kith_sharing_describe_rule (const KithConsentRule *rule)
{
  g_autoptr(GString) what = g_string_new (NULL);
  g_autofree char *who = NULL;
  guint everything = 0;
  gboolean whole;

  g_return_val_if_fail (rule != NULL, NULL);

  for (guint s = KITH_RECORD_SECTION_GENERAL; s < KITH_N_RECORD_SECTIONS; s++)
    everything |= KITH_RECORD_SECTION_BIT (s);
  whole = rule->sections == 0 || (rule->sections & everything) == everything;
  if (whole)
    g_string_append (what, _("the whole record"));
  for (guint s = 0; !whole && s < KITH_N_RECORD_SECTIONS; s++)
    {
      if ((rule->sections & KITH_RECORD_SECTION_BIT (s)) == 0)
        continue;
      if (what->len > 0)
        g_string_append (what, _(", "));
      g_string_append (what, kith_record_section_describe (s));
    }

  if (rule->role && rule->team)
    /* Translators: "social workers" then a team: "Social worker in South locality team" */
    who = g_strdup_printf (_("%s in %s"), kith_sharing_role_label (rule->role), rule->team);
  else if (rule->role)
    who = g_strdup_printf (_("%s in any team"), kith_sharing_role_label (rule->role));
  else if (rule->team)
    who = g_strdup_printf (_("anyone in %s"), rule->team);
  else
    who = g_strdup (_("everyone"));

  return rule->permit
    /* Translators: "Allow mental health detail to: Nurse in any team" */
    ? g_strdup_printf (_("Allow %s to: %s"), what->str, who)
    : g_strdup_printf (_("Withhold %s from: %s"), what->str, who);
}

/* One sentence per reason, with how many items and which parts. */
char *
kith_sharing_describe_withheld (GPtrArray *withheld)
{
  static const struct { const char *code; const char *words; } reasons[] = {
    { "withheld-at-request", N_("At the person’s request") },
    { "restricted", N_("Restricted to their GP and named co-ordinator") },
    { "volunteer-view", N_("Not shared with volunteers") },
  };
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (withheld != NULL, NULL);

  for (guint r = 0; r <= G_N_ELEMENTS (reasons); r++)
    {
      g_autoptr(GPtrArray) sections = g_ptr_array_new ();
      guint count = 0;

      for (guint i = 0; i < withheld->len; i++)
        {
          const KithWithheld *item = withheld->pdata[i];
          gboolean known = FALSE;

          for (guint k = 0; k < G_N_ELEMENTS (reasons); k++)
            known |= g_strcmp0 (item->reason, reasons[k].code) == 0;
          /* The last round gathers reasons Kith has no words for. */
          if (r < G_N_ELEMENTS (reasons) ? g_strcmp0 (item->reason, reasons[r].code) != 0 : known)
            continue;
          count += item->count;
          if (item->section != NULL)
            {
              KithRecordSection section = kith_record_section_from_code (item->section);
              const char *words = section < KITH_N_RECORD_SECTIONS ? kith_record_section_describe (section)
                                                                   : item->section;

              if (!g_ptr_array_find_with_equal_func (sections, words, g_str_equal, NULL))
                g_ptr_array_add (sections, (gpointer) words);
            }
        }
      if (count == 0)
        continue;
      if (text->len > 0)
        g_string_append (text, " ");
      g_string_append (text, r < G_N_ELEMENTS (reasons) ? _(reasons[r].words) : _("Withheld"));
      g_string_append (text, ": ");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u item", "%u items", count), count);
      if (sections->len > 0)
        {
          g_autofree char *list = NULL;

          g_ptr_array_add (sections, NULL);
          list = g_strjoinv (_(", "), (char **) sections->pdata);
          g_string_append_printf (text, " (%s)", list);
        }
      g_string_append (text, ".");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}
