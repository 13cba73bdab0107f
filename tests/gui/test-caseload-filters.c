/* test-caseload-filters.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The co-ordinator's caseload by risk, in the real window over a demo
 * store with safety alerts: each filter's count as shown against the
 * core's count, the list as long as the core says, filters combined with
 * each other and with a search, "Clear filters" when no one matches, "My
 * caseload" once the professional has given their name, and a risk tier
 * changed through the record's dialog (a reason required), followed by
 * the caseload's tier column and the Severe filter's count.
 */

#define G_LOG_DOMAIN "test-caseload-filters"

#include "config.h"

#include "gui-test-util.h"

#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "kith-application.h"
#include "kith-caseload-cell.h"
#include "kith-format.h"
#include "kith-risk-dialog.h"
#include "kith-window-private.h"

#define CASELOAD_PEOPLE 300
#define CASELOAD_SEED   20261207
#define WAIT_TIMEOUT_MS 10000

typedef struct
{
  KithWindow *window;
  GSettings  *settings;
} Fixture;

static gboolean   have_display;
static char      *store_dir;
static KithStore *store;

/* Helpers */

static const char *
get_widget_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_text (GTK_LABEL (widget));
  if (KITH_IS_CASELOAD_CELL (widget))
    return kith_caseload_cell_get_text (KITH_CASELOAD_CELL (widget));
  return NULL;
}

/* Text on screen under @widget showing exactly @text */
static GtkWidget *
find_mapped_label (GtkWidget  *widget,
                   const char *text)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;
  if (g_strcmp0 (get_widget_text (widget), text) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if ((found = find_mapped_label (child, text)))
        return found;
    }
  return NULL;
}

static GListModel *
get_caseload_model (Fixture *f)
{
  return G_LIST_MODEL (kith_window_get_caseload (f->window));
}

static guint
n_shown (Fixture *f)
{
  return g_list_model_get_n_items (get_caseload_model (f));
}

static KithCaseloadFilters *
get_filters (Fixture *f)
{
  return kith_window_get_caseload_filters (f->window);
}

static const char *
caseload_state (Fixture *f)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (kith_window_get_caseload_stack (f->window)));
}

static gboolean
query_is (Fixture    *f,
          const char *query)
{
  return g_strcmp0 (kith_caseload_get_query (kith_window_get_caseload (f->window)), query) == 0;
}

static void
type_into_search (Fixture    *f,
                  const char *text)
{
  GtkEditable *entry = GTK_EDITABLE (kith_window_get_search_entry (f->window));

  gtk_widget_grab_focus (GTK_WIDGET (entry));
  gtk_editable_set_text (entry, text);
  wait_until (query_is (f, *text != '\0' ? text : NULL));
  kith_test_flush_main_context ();
}

/* What the core says, for @query and the filters in @spec: the people
 * shown, and in @counts each filter's count. */
static guint
core_counts (const char                   *query,
             const KithCaseloadFilterSpec *spec,
             guint                         counts[KITH_CASELOAD_N_FILTERS])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) shown = kith_store_filter_patients (store, query, spec, counts, &error);

  g_assert_no_error (error);
  return shown->len;
}

/* The counts on screen come when the main loop is idle after the list
 * changed: wait for @filter's to say @count. */
static gboolean
count_text_is (Fixture            *f,
               KithCaseloadFilter  filter,
               guint               count)
{
  g_autofree char *text = kith_format_count (count);

  return g_strcmp0 (kith_caseload_filters_get_count_text (get_filters (f), filter), text) == 0;
}

/* Every count shown matches the core's, and so does the list, and the
 * count above the list says how many people it shows. */
static void
assert_matches_core (Fixture                      *f,
                     const char                   *query,
                     const KithCaseloadFilterSpec *spec)
{
  static const KithCaseloadFilter shown_always[] = {
    KITH_CASELOAD_FILTER_REVIEW_OVERDUE, KITH_CASELOAD_FILTER_ACTION_OVERDUE, KITH_CASELOAD_FILTER_ALERT_OPEN,
  };
  guint counts[KITH_CASELOAD_N_FILTERS];
  guint expected = core_counts (query, spec, counts);

  wait_until (n_shown (f) == expected);
  for (guint i = 0; i < G_N_ELEMENTS (shown_always); i++)
    {
      guint b = 0;

      while ((1u << b) != (guint) shown_always[i])
        b++;
      g_test_message ("filter %u: %u", b, counts[b]);
      wait_until (count_text_is (f, shown_always[i], counts[b]));
    }
  if (spec->filters & KITH_CASELOAD_FILTER_TIER)
    wait_until (count_text_is (f, KITH_CASELOAD_FILTER_TIER, counts[1]));
  if (spec->coordinator != NULL)
    wait_until (count_text_is (f, KITH_CASELOAD_FILTER_MINE, counts[0]));

  if (expected > 0)
    {
      g_autofree char *number = kith_format_count (expected);
      g_autofree char *people = g_strdup_printf (expected == 1 ? "%s person" : "%s people", number);
      g_autofree char *matches = g_strdup_printf (expected == 1 ? "%s match" : "%s matches", number);

      g_assert_cmpstr (caseload_state (f), ==, "list");
      wait_until (find_mapped_label (GTK_WIDGET (f->window), query == NULL ? people : matches));
    }
}

static void
toggle (Fixture            *f,
        KithCaseloadFilter  filter,
        gboolean            on)
{
  GtkToggleButton *button = kith_caseload_filters_get_toggle (get_filters (f), filter);

  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (button)));
  gtk_toggle_button_set_active (button, on);
  kith_test_flush_main_context ();
}

static KithRiskDialog *
find_risk_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (KITH_IS_RISK_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return KITH_RISK_DIALOG (window);
    }
  return NULL;
}

static gboolean
save_enabled (KithRiskDialog *dialog)
{
  return adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "save");
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if ((found = find_button (child, label)))
        return found;
    }
  return NULL;
}

/* Clicks the dialog's response button labelled @label, as a person would */
static void
click_response (KithRiskDialog *dialog,
                const char     *label)
{
  GtkWidget *button = find_button (GTK_WIDGET (dialog), label);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* Fixtures */

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  if (!have_display)
    return;

  f->settings = kith_settings_new ();
  g_assert_nonnull (f->settings);
  g_settings_reset (f->settings, "my-name");
  f->window = kith_window_new (NULL, f->settings);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1366, 768);
  kith_window_set_store (f->window, store, NULL);
  gtk_window_present (GTK_WINDOW (f->window));

  wait_until (gtk_widget_get_mapped (GTK_WIDGET (kith_window_get_column_view (f->window))));
  kith_test_flush_main_context ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  KithRiskDialog *dialog;

  while ((dialog = find_risk_dialog ()) != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  if (f->settings != NULL)
    g_settings_reset (f->settings, "my-name");
  g_clear_object (&f->settings);
}

#define SKIP_WITHOUT_DISPLAY()                                \
  G_STMT_START {                                              \
    if (!have_display)                                        \
      {                                                       \
        g_test_skip ("No display: run under xvfb-run");       \
        return;                                               \
      }                                                       \
  } G_STMT_END

/* Tests */

static void
test_filters_counts_and_list (Fixture       *f,
                              gconstpointer  data)
{
  KithCaseloadFilterSpec spec = { 0, NULL, 0, NULL };
  guint counts[KITH_CASELOAD_N_FILTERS];
  GtkCheckButton *severe;
  GtkCheckButton *moderate;

  SKIP_WITHOUT_DISPLAY ();

  /* Nothing on: everyone, and each filter's count beside it. */
  assert_matches_core (f, NULL, &spec);
  g_assert_cmpuint (n_shown (f), ==, CASELOAD_PEOPLE);
  core_counts (NULL, &spec, counts);
  g_assert_cmpuint (counts[4], ==, CASELOAD_PEOPLE / 30);   /* the alerts made below */
  /* The ones that need no name or team */
  for (guint b = 2; b <= 4; b++)
    {
      g_assert_cmpuint (counts[b], >, 0);
      g_assert_cmpuint (counts[b], <, CASELOAD_PEOPLE);
    }
  wait_until (find_mapped_label (GTK_WIDGET (get_filters (f)), "Safety alerts"));
  g_assert_nonnull (find_mapped_label (GTK_WIDGET (get_filters (f)),
                                       kith_caseload_filters_get_count_text (get_filters (f),
                                                                             KITH_CASELOAD_FILTER_ALERT_OPEN)));

  /* One at a time */
  toggle (f, KITH_CASELOAD_FILTER_REVIEW_OVERDUE, TRUE);
  spec.filters = KITH_CASELOAD_FILTER_REVIEW_OVERDUE;
  assert_matches_core (f, NULL, &spec);
  g_assert_cmpuint (n_shown (f), ==, counts[2]);
  for (guint i = 0; i < n_shown (f); i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (get_caseload_model (f), i);

      g_assert_true (kith_caseload_entry_get_review_overdue (entry));
    }

  /* Combined: both must hold */
  toggle (f, KITH_CASELOAD_FILTER_ALERT_OPEN, TRUE);
  spec.filters |= KITH_CASELOAD_FILTER_ALERT_OPEN;
  assert_matches_core (f, NULL, &spec);
  for (guint i = 0; i < n_shown (f); i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (get_caseload_model (f), i);

      g_assert_true (kith_caseload_entry_get_review_overdue (entry));
      g_assert_cmpuint (kith_caseload_entry_get_open_alerts (entry), >, 0);
    }
  toggle (f, KITH_CASELOAD_FILTER_ALERT_OPEN, FALSE);
  toggle (f, KITH_CASELOAD_FILTER_REVIEW_OVERDUE, FALSE);

  /* Risk tiers, from the menu: one, then two */
  severe = kith_caseload_filters_get_tier_check (get_filters (f), KITH_FRAILTY_SEVERE);
  moderate = kith_caseload_filters_get_tier_check (get_filters (f), KITH_FRAILTY_MODERATE);
  gtk_check_button_set_active (severe, TRUE);
  spec.filters = KITH_CASELOAD_FILTER_TIER;
  spec.tiers = KITH_CASELOAD_TIER (KITH_FRAILTY_SEVERE);
  assert_matches_core (f, NULL, &spec);
  g_assert_cmpuint (n_shown (f), >, 0);
  wait_until (find_mapped_label (GTK_WIDGET (get_filters (f)), "Severe frailty"));
  for (guint i = 0; i < n_shown (f); i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (get_caseload_model (f), i);

      g_assert_cmpstr (kith_caseload_entry_get_risk_tier (entry), ==, "severe");
    }
  /* The tier column says so, in words */
  wait_until (find_mapped_label (GTK_WIDGET (kith_window_get_column_view (f->window)), "Severe frailty"));
  g_assert_null (find_mapped_label (GTK_WIDGET (kith_window_get_column_view (f->window)), "Moderate frailty"));

  gtk_check_button_set_active (moderate, TRUE);
  spec.tiers |= KITH_CASELOAD_TIER (KITH_FRAILTY_MODERATE);
  assert_matches_core (f, NULL, &spec);
  wait_until (find_mapped_label (GTK_WIDGET (get_filters (f)), "2 risk tiers"));

  /* With a search as well: the counts are for what the search finds */
  type_into_search (f, "a");
  assert_matches_core (f, "a", &spec);
  toggle (f, KITH_CASELOAD_FILTER_ACTION_OVERDUE, TRUE);
  spec.filters |= KITH_CASELOAD_FILTER_ACTION_OVERDUE;
  assert_matches_core (f, "a", &spec);
  type_into_search (f, "");
  assert_matches_core (f, NULL, &spec);
}

/* No one passes: the page says so and offers to clear the filters. */
static void
test_filters_clear (Fixture       *f,
                    gconstpointer  data)
{
  KithCaseloadFilterSpec spec = { KITH_CASELOAD_FILTER_ALERT_OPEN | KITH_CASELOAD_FILTER_ACTION_OVERDUE |
                                  KITH_CASELOAD_FILTER_REVIEW_OVERDUE | KITH_CASELOAD_FILTER_TIER,
                                  NULL, 0, NULL };
  GtkWidget *clear;
  KithFrailtyBand band;

  SKIP_WITHOUT_DISPLAY ();

  /* A combination that leaves no one: the first tier that does */
  for (band = KITH_FRAILTY_FIT; band <= KITH_FRAILTY_SEVERE; band++)
    {
      spec.tiers = KITH_CASELOAD_TIER (band);
      if (core_counts (NULL, &spec, NULL) == 0)
        break;
    }
  g_assert_cmpint (band, <=, KITH_FRAILTY_SEVERE);

  toggle (f, KITH_CASELOAD_FILTER_ALERT_OPEN, TRUE);
  toggle (f, KITH_CASELOAD_FILTER_ACTION_OVERDUE, TRUE);
  toggle (f, KITH_CASELOAD_FILTER_REVIEW_OVERDUE, TRUE);
  gtk_check_button_set_active (kith_caseload_filters_get_tier_check (get_filters (f), band), TRUE);

  wait_until (n_shown (f) == 0);
  g_assert_cmpstr (caseload_state (f), ==, "no-matches");
  wait_until (find_mapped_label (kith_window_get_caseload_stack (f->window), "No one matches these filters"));
  clear = kith_window_get_clear_filters_button (f->window);
  g_assert_true (gtk_widget_get_mapped (clear));

  gtk_widget_activate (clear);
  wait_until (n_shown (f) == CASELOAD_PEOPLE);
  g_assert_cmpstr (caseload_state (f), ==, "list");
  g_assert_cmpint (kith_caseload_get_filter (kith_window_get_caseload (f->window)), ==, 0);
  g_assert_false (gtk_toggle_button_get_active (kith_caseload_filters_get_toggle (get_filters (f),
                                                                                  KITH_CASELOAD_FILTER_ALERT_OPEN)));
  g_assert_false (gtk_check_button_get_active (kith_caseload_filters_get_tier_check (get_filters (f), band)));
  wait_until (find_mapped_label (GTK_WIDGET (f->window), "300 people"));
  g_assert_false (gtk_widget_get_visible (clear));
}

/* A click on a column header sorts the whole caseload by it, in the core;
 * a second click turns it round. */
static void
test_sort_by_column (Fixture       *f,
                     gconstpointer  data)
{
  GtkColumnView *view;
  g_autoptr(GtkColumnViewColumn) tier = NULL;
  g_autoptr(GtkColumnViewColumn) age = NULL;
  g_autoptr(KithCaseloadEntry) first = NULL;
  g_autoptr(KithCaseloadEntry) last = NULL;

  SKIP_WITHOUT_DISPLAY ();

  view = kith_window_get_column_view (f->window);
  tier = g_list_model_get_item (gtk_column_view_get_columns (view), 3);
  age = g_list_model_get_item (gtk_column_view_get_columns (view), 2);

  gtk_column_view_sort_by_column (view, tier, GTK_SORT_ASCENDING);
  first = g_list_model_get_item (get_caseload_model (f), 0);
  g_assert_cmpstr (kith_caseload_entry_get_risk_tier (first), ==, "severe");
  g_assert_cmpuint (n_shown (f), ==, CASELOAD_PEOPLE);
  wait_until (find_mapped_label (GTK_WIDGET (view), "Severe frailty"));
  g_clear_object (&first);

  gtk_column_view_sort_by_column (view, tier, GTK_SORT_DESCENDING);
  first = g_list_model_get_item (get_caseload_model (f), 0);
  g_assert_cmpstr (kith_caseload_entry_get_risk_tier (first), ==, "fit");
  g_clear_object (&first);

  /* Age: youngest first, then oldest first */
  gtk_column_view_sort_by_column (view, age, GTK_SORT_ASCENDING);
  first = g_list_model_get_item (get_caseload_model (f), 0);
  last = g_list_model_get_item (get_caseload_model (f), CASELOAD_PEOPLE - 1);
  g_assert_cmpint (kith_caseload_entry_get_age (first), <=, kith_caseload_entry_get_age (last));
  g_assert_cmpint (kith_caseload_entry_get_age (first), <, 65);
  g_clear_object (&first);
  g_clear_object (&last);
  gtk_column_view_sort_by_column (view, age, GTK_SORT_DESCENDING);
  first = g_list_model_get_item (get_caseload_model (f), 0);
  g_assert_cmpint (kith_caseload_entry_get_age (first), >=, 90);
  g_clear_object (&first);

  /* No column: back to the name order */
  gtk_column_view_sort_by_column (view, NULL, GTK_SORT_ASCENDING);
  {
    g_autoptr(KithCaseload) by_name = kith_caseload_new (store);
    g_autoptr(KithCaseloadEntry) a = g_list_model_get_item (get_caseload_model (f), 0);
    g_autoptr(KithCaseloadEntry) b = g_list_model_get_item (G_LIST_MODEL (by_name), 0);

    g_assert_cmpstr (kith_caseload_entry_get_id (a), ==, kith_caseload_entry_get_id (b));
  }
}

static const char *
some_coordinator (void)
{
  static char name[256];
  g_autoptr(KithCaseload) everyone = kith_caseload_new (store);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (everyone)); i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (everyone), i);

      if (kith_caseload_entry_get_coordinator (entry) != NULL)
        {
          g_strlcpy (name, kith_caseload_entry_get_coordinator (entry), sizeof name);
          return name;
        }
    }
  g_assert_not_reached ();
}

/* "My caseload" waits for the professional's name, given in the bar. */
static void
test_filters_my_caseload (Fixture       *f,
                          gconstpointer  data)
{
  GtkToggleButton *mine = kith_caseload_filters_get_toggle (get_filters (f), KITH_CASELOAD_FILTER_MINE);
  const char *coordinator = some_coordinator ();
  KithCaseloadFilterSpec spec = { KITH_CASELOAD_FILTER_MINE, coordinator, 0, NULL };
  g_autofree char *name = NULL;

  SKIP_WITHOUT_DISPLAY ();

  /* Unknown: not offered, and the tooltip says why */
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (mine)));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (mine)), "Set your name"));
  g_assert_cmpstr (kith_caseload_filters_get_count_text (get_filters (f), KITH_CASELOAD_FILTER_MINE), ==, "");
  wait_until (find_mapped_label (GTK_WIDGET (get_filters (f)), "Set Your Name…"));

  /* Given (in another case), then saved: kept in the settings, and
   * the toggle turns on at once */
  gtk_editable_set_text (kith_caseload_filters_get_name_entry (get_filters (f)), "  ");
  g_signal_emit_by_name (kith_caseload_filters_get_name_save (get_filters (f)), "clicked");
  kith_test_flush_main_context ();
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (mine)));

  name = g_utf8_strup (coordinator, -1);
  gtk_editable_set_text (kith_caseload_filters_get_name_entry (get_filters (f)), name);
  g_signal_emit_by_name (kith_caseload_filters_get_name_save (get_filters (f)), "clicked");
  kith_test_flush_main_context ();
  {
    g_autofree char *stored = g_settings_get_string (f->settings, "my-name");

    g_assert_cmpstr (stored, ==, name);
  }
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (mine)));
  g_assert_true (gtk_toggle_button_get_active (mine));

  /* The co-ordinator's people, case aside, and the count matches */
  spec.coordinator = name;
  assert_matches_core (f, NULL, &spec);
  g_assert_cmpuint (n_shown (f), >, 0);
  g_assert_cmpuint (n_shown (f), <, CASELOAD_PEOPLE);
  for (guint i = 0; i < n_shown (f); i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (get_caseload_model (f), i);

      g_assert_cmpstr (kith_caseload_entry_get_coordinator (entry), ==, coordinator);
    }

  /* What they record is recorded as theirs */
  {
    g_autofree char *professional = kith_dup_professional_name ();

    g_assert_cmpstr (professional, ==, name);
  }

  toggle (f, KITH_CASELOAD_FILTER_MINE, FALSE);
  wait_until (n_shown (f) == CASELOAD_PEOPLE);
}

/* Someone not severe, who has a frailty index, near the top of the list */
static KithCaseloadEntry *
find_person_to_override (Fixture *f)
{
  for (guint i = 0; i < n_shown (f); i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (get_caseload_model (f), i);

      if (g_strcmp0 (kith_caseload_entry_get_risk_tier (entry), "moderate") == 0 ||
          g_strcmp0 (kith_caseload_entry_get_risk_tier (entry), "mild") == 0)
        return g_steal_pointer (&entry);
    }
  g_assert_not_reached ();
}

static KithRiskDialog *
open_dialog (Fixture    *f,
             const char *action)
{
  KithRiskDialog *dialog;

  g_assert_null (find_risk_dialog ());
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (kith_window_get_record_page (f->window)),
                                             action, NULL));
  wait_until ((dialog = find_risk_dialog ()) != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  return dialog;
}

static void
test_filters_override_tier (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(KithCaseloadEntry) person = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *nhs_number = NULL;
  g_autofree char *computed_tier = NULL;
  const char *computed_label;
  KithRecordPage *record_page = kith_window_get_record_page (f->window);
  GtkWidget *column_view = GTK_WIDGET (kith_window_get_column_view (f->window));
  KithCaseloadFilterSpec severe = { KITH_CASELOAD_FILTER_TIER, NULL, KITH_CASELOAD_TIER (KITH_FRAILTY_SEVERE), NULL };
  guint severe_before;
  KithRiskDialog *dialog;

  SKIP_WITHOUT_DISPLAY ();

  person = find_person_to_override (f);
  computed_tier = g_strdup (kith_caseload_entry_get_risk_tier (person));
  computed_label = kith_format_risk_tier (computed_tier);
  nhs_number = g_strdup (kith_caseload_entry_get_nhs_number (person));
  severe_before = core_counts (NULL, &severe, NULL);

  /* Find them and open their record: the row's tier, and the group */
  type_into_search (f, nhs_number);
  g_assert_cmpuint (n_shown (f), ==, 1);
  wait_until (find_mapped_label (column_view, computed_label));
  gtk_selection_model_select_item (gtk_column_view_get_model (GTK_COLUMN_VIEW (column_view)), 0, TRUE);
  wait_until (find_mapped_label (GTK_WIDGET (record_page), nhs_number));
  wait_until (find_mapped_label (GTK_WIDGET (record_page), "Frailty and risk"));
  {
    g_autoptr(KithFrailtyIndex) frailty = kith_frailty_compute (store, kith_caseload_entry_get_id (person), &error);
    g_autofree char *efi = NULL;

    g_assert_no_error (error);
    efi = g_strdup_printf ("%.2f · %s · %u of %u deficits", frailty->index,
                           kith_frailty_band_label (frailty->band), frailty->n_deficits, frailty->denominator);
    g_assert_cmpstr (kith_record_page_get_frailty_text (record_page), ==, efi);
    g_assert_nonnull (find_mapped_label (GTK_WIDGET (record_page), kith_frailty_source ()));

    /* Each deficit found, with what found it */
    g_assert_cmpuint (frailty->deficits->len, >, 0);
    {
      const KithFrailtyDeficit *first = frailty->deficits->pdata[0];
      g_autofree char *found = g_strdup_printf ("From %s", first->evidence);

      adw_expander_row_set_expanded (kith_record_page_get_deficits_row (record_page), TRUE);
      wait_until (find_mapped_label (GTK_WIDGET (record_page), first->name));
      wait_until (find_mapped_label (GTK_WIDGET (record_page), found));
    }
  }
  {
    g_autofree char *tier_text = g_strdup_printf ("%s (from the frailty index)", computed_label);

    g_assert_cmpstr (kith_record_page_get_tier_text (record_page), ==, tier_text);
  }
  /* With this search, no one is severe yet */
  gtk_check_button_set_active (kith_caseload_filters_get_tier_check (get_filters (f), KITH_FRAILTY_SEVERE), TRUE);
  wait_until (n_shown (f) == 0);
  wait_until (count_text_is (f, KITH_CASELOAD_FILTER_TIER, 0));
  gtk_check_button_set_active (kith_caseload_filters_get_tier_check (get_filters (f), KITH_FRAILTY_SEVERE), FALSE);
  wait_until (n_shown (f) == 1);

  /* Nothing to take back yet */
  g_assert_null (find_mapped_label (GTK_WIDGET (record_page), "Use Computed Tier…"));
  gtk_widget_activate_action (GTK_WIDGET (record_page), "patient.use-computed-tier", NULL);
  kith_test_flush_main_context ();
  g_assert_null (find_risk_dialog ());

  /* The dialog: no saving without a reason */
  dialog = open_dialog (f, "patient.change-tier");
  g_assert_cmpuint (adw_combo_row_get_selected (kith_risk_dialog_get_tier_row (dialog)), ==,
                    g_strcmp0 (computed_tier, "mild") == 0 ? KITH_FRAILTY_MILD : KITH_FRAILTY_MODERATE);
  g_assert_cmpstr (gtk_editable_get_text (kith_risk_dialog_get_reason (dialog)), ==, "");
  g_assert_false (save_enabled (dialog));
  gtk_editable_set_text (kith_risk_dialog_get_reason (dialog), "   ");
  g_assert_false (save_enabled (dialog));
  /* ... and the core refuses it too */
  g_assert_false (kith_risk_dialog_save (dialog, &error));
  g_assert_error (error, KITH_RISK_ERROR, KITH_RISK_ERROR_INVALID);
  g_clear_error (&error);
  /* Nor without who */
  gtk_editable_set_text (kith_risk_dialog_get_reason (dialog), "Two falls this month, lives alone");
  g_assert_true (save_enabled (dialog));
  gtk_editable_set_text (kith_risk_dialog_get_who (dialog), "");
  g_assert_false (save_enabled (dialog));
  gtk_editable_set_text (kith_risk_dialog_get_who (dialog), "Dr Test");
  g_assert_true (save_enabled (dialog));

  adw_combo_row_set_selected (kith_risk_dialog_get_tier_row (dialog), KITH_FRAILTY_SEVERE);
  click_response (dialog, "_Change Tier");
  wait_until (find_risk_dialog () == NULL);

  /* The row, the record and the Severe count follow */
  {
    g_autoptr(KithCaseloadEntry) row = g_list_model_get_item (get_caseload_model (f), 0);

    g_assert_cmpstr (kith_caseload_entry_get_risk_tier (row), ==, "severe");
  }
  wait_until (find_mapped_label (column_view, "Severe frailty"));
  g_assert_null (find_mapped_label (column_view, computed_label));
  g_assert_true (g_str_has_prefix (kith_record_page_get_tier_text (record_page),
                                   "Severe frailty (clinician’s judgement, Dr Test, "));
  g_assert_true (g_str_has_suffix (kith_record_page_get_tier_text (record_page),
                                   ": Two falls this month, lives alone)"));
  /* In the history, kept with who and why */
  adw_expander_row_set_expanded (kith_record_page_get_risk_history_row (record_page), TRUE);
  wait_until (find_mapped_label (GTK_WIDGET (record_page), "Severe frailty · clinician’s judgement"));
  g_assert_nonnull (find_mapped_label (GTK_WIDGET (record_page), "In use"));

  gtk_check_button_set_active (kith_caseload_filters_get_tier_check (get_filters (f), KITH_FRAILTY_SEVERE), TRUE);
  wait_until (n_shown (f) == 1);
  wait_until (count_text_is (f, KITH_CASELOAD_FILTER_TIER, 1));
  type_into_search (f, "");
  g_assert_cmpuint (core_counts (NULL, &severe, NULL), ==, severe_before + 1);
  assert_matches_core (f, NULL, &severe);
  wait_until (count_text_is (f, KITH_CASELOAD_FILTER_TIER, severe_before + 1));
  gtk_check_button_set_active (kith_caseload_filters_get_tier_check (get_filters (f), KITH_FRAILTY_SEVERE), FALSE);

  /* A score from another tool: kept, and the tier stays */
  dialog = open_dialog (f, "patient.import-risk-score");
  g_assert_false (save_enabled (dialog));
  gtk_editable_set_text (kith_risk_dialog_get_tool (dialog), "Practice risk tool");
  gtk_editable_set_text (kith_risk_dialog_get_version (dialog), "2.1");
  g_assert_false (save_enabled (dialog));
  gtk_editable_set_text (kith_risk_dialog_get_score (dialog), "0.34");
  g_assert_true (save_enabled (dialog));
  click_response (dialog, "_Record Score");
  wait_until (find_risk_dialog () == NULL);
  wait_until (find_mapped_label (GTK_WIDGET (record_page), "Practice risk tool 2.1 · score 0.34"));
  g_assert_true (g_str_has_prefix (kith_record_page_get_tier_text (record_page), "Severe frailty (clinician’s"));

  /* Back to the computed tier, again with a reason */
  dialog = open_dialog (f, "patient.use-computed-tier");
  g_assert_false (save_enabled (dialog));
  gtk_editable_set_text (kith_risk_dialog_get_reason (dialog), "Entered for the wrong person");
  g_assert_true (save_enabled (dialog));
  click_response (dialog, "_Use Computed Tier");
  wait_until (find_risk_dialog () == NULL);
  {
    g_autofree char *tier_text = g_strdup_printf ("%s (from the frailty index)", computed_label);

    wait_until (g_strcmp0 (kith_record_page_get_tier_text (record_page), tier_text) == 0);
  }
  g_assert_nonnull (find_mapped_label (GTK_WIDGET (record_page), "Withdrawn"));
  g_assert_cmpuint (core_counts (NULL, &severe, NULL), ==, severe_before);
  wait_until (find_mapped_label (column_view, computed_label));
}

/* Without a session bus GTK's accessibility bridge warns once: that is
 * the environment, not the window. */
/* The demo caseload, with a safety alert open for every 30th person and
 * one acted on (inactive) for every 30th after the 15th */
static void
create_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(KithCaseload) everyone = NULL;

  store_dir = g_dir_make_tmp ("kith-test-filters-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (store_dir, "kith.db", NULL);
  store = kith_store_open (path, &error);
  g_assert_no_error (error);
  kith_demo_caseload_fill (store, CASELOAD_PEOPLE, CASELOAD_SEED, &error);
  g_assert_no_error (error);

  everyone = kith_caseload_new (store);
  for (guint i = 0; i < CASELOAD_PEOPLE; i += 15)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (everyone), i);
      g_autofree char *json = g_strdup_printf (
        "{\"resourceType\":\"Flag\",\"id\":\"alert-%u\",\"status\":\"%s\","
        "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/flag-category\","
        "\"code\":\"safety\"}]}],\"code\":{\"text\":\"Safety alert\"},"
        "\"subject\":{\"reference\":\"Patient/%s\"}}",
        i, i % 30 == 0 ? "active" : "inactive", kith_caseload_entry_get_id (entry));
      g_autoptr(JsonObject) flag = kith_fhir_parse_resource (json, -1, &error);

      g_assert_no_error (error);
      g_assert_true (kith_store_save_resource (store, flag, NULL, &error));
      g_assert_no_error (error);
    }
}

static void
remove_store (void)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&store);
  if (!(dir = g_dir_open (store_dir, 0, NULL)))
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (store_dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (store_dir);
  g_clear_pointer (&store_dir, g_free);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_log_set_writer_func (kith_test_log_writer, NULL, NULL);

  if ((have_display = gtk_init_check ()))
    {
      adw_init ();
      create_store ();
    }

#define ADD_FILTERS_TEST(path, func) \
  g_test_add ("/kith/caseload-filters/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD_FILTERS_TEST ("counts-and-list", test_filters_counts_and_list);
  ADD_FILTERS_TEST ("clear", test_filters_clear);
  ADD_FILTERS_TEST ("my-caseload", test_filters_my_caseload);
  ADD_FILTERS_TEST ("sort-by-column", test_sort_by_column);
  /* Changes the store: last */
  ADD_FILTERS_TEST ("override-tier", test_filters_override_tier);

  ret = g_test_run ();

  if (have_display)
    remove_store ();
  return ret;
}
