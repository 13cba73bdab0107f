/* kith-access-log.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kith-access-log"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "kith-access-log.h"
#include "kith-consent.h"
#include "kith-fhir.h"
#include "kith-pdf.h"
#include "kith-plan-document.h"

#define BREAK_GLASS_CODE "BTG"
#define FOR_REVIEW_SUFFIX "for-review"

void
kith_access_entry_free (KithAccessEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->day);
  g_free (entry->first);
  g_free (entry->who);
  g_free (entry->role);
  g_free (entry->subtype);
  g_free (entry->reason);
  g_free (entry->words);
  g_free (entry);
}

static const char *
first_coding_code (JsonObject *object,
                   const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;
  JsonArray *array = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  JsonObject *coding;

  if (node && JSON_NODE_HOLDS_OBJECT (node))
    return kith_fhir_get_string (json_node_get_object (node), "code");
  if (array == NULL || json_array_get_length (array) == 0)
    return NULL;
  coding = json_array_get_object_element (array, 0);
  return kith_fhir_get_string (coding, "code");
}

static gboolean
has_for_review (JsonObject *event)
{
  JsonArray *extensions = kith_fhir_get_array (event, "extension");

  for (guint i = 0; extensions && i < json_array_get_length (extensions); i++)
    {
      JsonObject *extension = json_array_get_object_element (extensions, i);
      const char *url = kith_fhir_get_string (extension, "url");

      if (url && g_str_has_suffix (url, FOR_REVIEW_SUFFIX) && json_object_has_member (extension, "valueBoolean") &&
          json_object_get_boolean_member (extension, "valueBoolean"))
        return TRUE;
    }
  return FALSE;
}

/* One event, or NULL for one that is not about a person's record. */
static KithAccessEntry *
read_event (JsonObject *event)
{
  JsonArray *agents = kith_fhir_get_array (event, "agent");
  JsonObject *agent = agents && json_array_get_length (agents) > 0 ? json_array_get_object_element (agents, 0) : NULL;
  JsonObject *who = kith_fhir_get_object (agent, "who");
  JsonArray *roles = kith_fhir_get_array (agent, "role");
  JsonArray *purposes = kith_fhir_get_array (event, "purposeOfEvent");
  JsonObject *purpose = purposes && json_array_get_length (purposes) > 0
                          ? json_array_get_object_element (purposes, 0) : NULL;
  const char *recorded = kith_fhir_get_string (event, "recorded");
  const char *type = first_coding_code (event, "type");
  g_autoptr(GDateTime) when = recorded ? g_date_time_new_from_iso8601 (recorded, NULL) : NULL;
  g_autoptr(GDateTime) local = when ? g_date_time_to_local (when) : NULL;
  KithAccessEntry *entry;

  /* 110114 is a sign-in: about the user, not the person. */
  if (local == NULL || g_strcmp0 (type, "110114") == 0 || kith_fhir_get_string (who, "display") == NULL ||
      kith_fhir_get_object (who, "identifier") == NULL)
    return NULL;

  entry = g_new0 (KithAccessEntry, 1);
  entry->day = g_date_time_format (local, "%Y-%m-%d");
  entry->first = g_strdup (recorded);
  entry->who = g_strdup (kith_fhir_get_string (who, "display"));
  if (roles && json_array_get_length (roles) > 0)
    entry->role = g_strdup (kith_fhir_get_string (json_array_get_object_element (roles, 0), "text"));
  entry->subtype = g_strdup (first_coding_code (event, "subtype"));
  if (g_strcmp0 (first_coding_code (purpose, "coding"), BREAK_GLASS_CODE) == 0)
    {
      g_free (entry->subtype);
      entry->subtype = g_strdup ("break-glass");
    }
  entry->refused = g_strcmp0 (kith_fhir_get_string (event, "outcome"), "0") != 0;
  entry->reason = g_strdup (kith_fhir_get_string (purpose, "text"));
  entry->for_review = has_for_review (event);
  entry->times = 1;
  return entry;
}

/* Reading a record by search, page by page or by history is all
 * "looking at it" to the person: one line a day each. */
static const char *
kind_of (const KithAccessEntry *entry)
{
  const char *subtype = entry->subtype ? entry->subtype : "";

  if (entry->refused)
    return "refused";
  if (g_str_equal (subtype, "read") || g_str_equal (subtype, "vread") || g_str_equal (subtype, "search-type") ||
      g_str_has_prefix (subtype, "history"))
    return "read";
  if (g_str_equal (subtype, "update") || g_str_equal (subtype, "transaction") || g_str_equal (subtype, "create"))
    return "update";
  return subtype;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const KithAccessEntry *ea = *(KithAccessEntry **) a;
  const KithAccessEntry *eb = *(KithAccessEntry **) b;

  return -g_strcmp0 (ea->first, eb->first);
}

GPtrArray *
kith_access_log_from_bundle (JsonObject  *bundle,
                             GError     **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_access_entry_free);
  g_autoptr(GHashTable) by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *items;

  if (g_strcmp0 (kith_fhir_get_string (bundle, "resourceType"), "Bundle") != 0)
    {
      g_set_error_literal (error, KITH_FHIR_ERROR, KITH_FHIR_ERROR_NOT_RESOURCE,
                           _("The practice server did not send a list of accesses"));
      return NULL;
    }
  items = kith_fhir_get_array (bundle, "entry");
  for (guint i = 0; items && i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *resource = JSON_NODE_HOLDS_OBJECT (node)
                               ? kith_fhir_get_object (json_node_get_object (node), "resource") : NULL;
      g_autoptr(KithAccessEntry) entry = NULL;
      g_autofree char *key = NULL;
      KithAccessEntry *same;

      if (g_strcmp0 (kith_fhir_get_string (resource, "resourceType"), "AuditEvent") != 0 ||
          !(entry = read_event (resource)))
        continue;
      /* Each emergency access is its own line, with its reason. */
      if (g_strcmp0 (entry->subtype, "break-glass") == 0)
        {
          g_ptr_array_add (entries, g_steal_pointer (&entry));
          continue;
        }
      key = g_strjoin ("\x1f", entry->day, entry->who, entry->role ? entry->role : "", kind_of (entry), NULL);
      if ((same = g_hash_table_lookup (by_key, key)) != NULL)
        {
          same->times++;
          if (g_strcmp0 (entry->first, same->first) < 0)
            {
              g_free (same->first);
              same->first = g_strdup (entry->first);
            }
          same->for_review |= entry->for_review;
          continue;
        }
      g_hash_table_insert (by_key, g_steal_pointer (&key), entry);
      g_ptr_array_add (entries, g_steal_pointer (&entry));
    }

  for (guint i = 0; i < entries->len; i++)
    {
      KithAccessEntry *entry = entries->pdata[i];
      const char *kind = kind_of (entry);

      entry->words = kith_consent_describe_access (entry->who, entry->role,
                                                   g_str_equal (kind, "update") ? "update" : entry->subtype,
                                                   entry->refused, entry->reason);
    }
  g_ptr_array_sort (entries, compare_newest_first);
  return g_steal_pointer (&entries);
}

/* --- the person's printout ---------------------------------------------------- */

#define MARGIN      56.0
#define TITLE_SIZE  22.0
#define BODY_SIZE   12.5
#define LINE_GAP    6.0

typedef struct
{
  GPtrArray    *entries;
  const char   *person_name;
  PangoContext *context;
  GArray       *page_starts;   /* guint: the first entry of each page */
} Printout;

static PangoLayout *
new_layout (Printout   *printout,
            const char *text,
            double      size,
            gboolean    bold)
{
  PangoLayout *layout = pango_layout_new (printout->context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Cantarell, sans-serif");

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) ((KITH_PLAN_DOCUMENT_A4_WIDTH - 2 * MARGIN) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  return (double) logical.height / PANGO_SCALE;
}

static char *
entry_text (const KithAccessEntry *entry)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (entry->first, NULL);
  g_autoptr(GDateTime) local = when ? g_date_time_to_local (when) : NULL;
  g_autofree char *date = local ? g_date_time_format (local, "%-d %B %Y") : g_strdup (entry->day);

  if (entry->times > 1)
    /* Translators: a day, what happened, how often: "3 March 2026 — Jo Reid (nurse) looked at the record (4 times)" */
    return g_strdup_printf (_("%s — %s (%u times)"), date, entry->words, entry->times);
  return g_strdup_printf (_("%s — %s"), date, entry->words);
}

static double
header_height (Printout *printout,
               guint     page)
{
  g_autofree char *title = NULL;
  g_autoptr(PangoLayout) layout = NULL;

  if (page > 0)
    return MARGIN;
  title = g_strdup_printf (_("Who has looked at %s’s record"), printout->person_name);
  layout = new_layout (printout, title, TITLE_SIZE, TRUE);
  return MARGIN + layout_height (layout) + 2 * BODY_SIZE + 18;
}

static void
paginate (Printout *printout)
{
  double bottom = KITH_PLAN_DOCUMENT_A4_HEIGHT - MARGIN - BODY_SIZE * 2;
  guint page = 0;
  double y = header_height (printout, 0);
  guint zero = 0;

  g_array_append_val (printout->page_starts, zero);
  for (guint i = 0; i < printout->entries->len; i++)
    {
      g_autofree char *text = entry_text (printout->entries->pdata[i]);
      g_autoptr(PangoLayout) layout = new_layout (printout, text, BODY_SIZE, FALSE);
      double h = layout_height (layout) + LINE_GAP;

      if (y + h > bottom && i > g_array_index (printout->page_starts, guint, page))
        {
          g_array_append_val (printout->page_starts, i);
          page++;
          y = header_height (printout, page);
        }
      y += h;
    }
}

static void
draw_page_cb (gpointer  document,
              cairo_t  *cr,
              guint     page)
{
  Printout *printout = document;
  guint first = g_array_index (printout->page_starts, guint, page);
  guint end = page + 1 < printout->page_starts->len
                ? g_array_index (printout->page_starts, guint, page + 1) : printout->entries->len;
  g_autofree char *footer = g_strdup_printf (_("Page %u of %u"), page + 1, printout->page_starts->len);
  g_autoptr(PangoLayout) footer_layout = new_layout (printout, footer, BODY_SIZE * 0.8, FALSE);
  double y = MARGIN;

  pango_cairo_update_context (cr, printout->context);
  cairo_set_source_rgb (cr, 0, 0, 0);
  if (page == 0)
    {
      g_autofree char *title = g_strdup_printf (_("Who has looked at %s’s record"), printout->person_name);
      g_autoptr(PangoLayout) title_layout = new_layout (printout, title, TITLE_SIZE, TRUE);
      g_autoptr(PangoLayout) about = new_layout (printout,
                                                 printout->entries->len == 0
                                                   ? _("Nobody has looked at this record on the practice server.")
                                                   : _("Everyone who opened, changed, printed or was refused "
                                                       "your record on the practice server, newest first."),
                                                 BODY_SIZE, FALSE);

      cairo_move_to (cr, MARGIN, y);
      pango_cairo_show_layout (cr, title_layout);
      y += layout_height (title_layout) + 6;
      cairo_move_to (cr, MARGIN, y);
      pango_cairo_show_layout (cr, about);
      y = header_height (printout, 0);
    }
  for (guint i = first; i < end; i++)
    {
      g_autofree char *text = entry_text (printout->entries->pdata[i]);
      g_autoptr(PangoLayout) layout = new_layout (printout, text, BODY_SIZE, FALSE);

      cairo_move_to (cr, MARGIN, y);
      pango_cairo_show_layout (cr, layout);
      y += layout_height (layout) + LINE_GAP;
    }
  cairo_move_to (cr, MARGIN, KITH_PLAN_DOCUMENT_A4_HEIGHT - MARGIN);
  pango_cairo_show_layout (cr, footer_layout);
}

gboolean
kith_access_log_write_pdf (GPtrArray   *entries,
                           const char  *person_name,
                           const char  *path,
                           GError     **error)
{
  Printout printout = { entries, person_name ? person_name : _("the person"), NULL, NULL };
  gboolean ok;

  g_return_val_if_fail (entries != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  printout.context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  printout.page_starts = g_array_new (FALSE, FALSE, sizeof (guint));
  paginate (&printout);
  ok = kith_pdf_write (path, KITH_PLAN_DOCUMENT_A4_WIDTH, KITH_PLAN_DOCUMENT_A4_HEIGHT,
                       _("Who has looked at my record"), printout.page_starts->len, draw_page_cb, &printout, error);
  g_array_unref (printout.page_starts);
  g_object_unref (printout.context);
  return ok;
}
