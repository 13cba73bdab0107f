/* kith-plan-editor.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The personalised care and support plan, written with the person: their
 * needs on the left (each with where its shared decision stands), the plan
 * on the right, section by section. Every edit goes straight into the
 * KithCarePlan; saving writes a new version. Nothing typed is lost: the
 * plan is saved when the editor is hidden or destroyed, and a conflicting
 * save leaves the edits on screen.
 */

#define G_LOG_DOMAIN "kith-plan-editor"

#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <glib/gi18n.h>

#include "kith-plan-agree-dialog.h"
#include "kith-plan-decision-dialog.h"
#include "kith-plan-editor-private.h"
#include "kith-plan-history.h"
#include "kith-plan-print.h"

#define NEED_CATEGORY_CODE "need"

/* One need accepted in an assessment (a FHIR Condition). */
typedef struct
{
  char *condition_id;
  char *rule_id;
  char *title;
} PlanNeed;

typedef enum
{
  TEXT_ABOUT_ME,
  TEXT_WHAT_MATTERS,
  TEXT_MEDICINES,
  TEXT_CONSENT,
  TEXT_WARNING_SIGNS,
  TEXT_CRISIS_ACTIONS,
} TextSection;

struct _KithPlanEditor
{
  GtkWidget             parent_instance;

  KithStore            *store;
  char                 *patient_id;
  char                 *editor_name;
  KithCarePlan         *plan;
  KithPatient          *patient;
  GPtrArray            *needs;          /* PlanNeed */
  GPtrArray            *dynamic_rows;   /* rows made from the plan, removed on refresh */
  GtkFileChooserNative *pdf_chooser;
  gboolean              large_print;
  gboolean              crisis_first_print;
  gboolean              trends_print;
  gboolean              filling;        /* widgets being set from the plan */

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkLabel             *title_label;
  GtkLabel             *state_label;
  GtkLabel             *review_due_label;
  GtkLabel             *version_label;
  GtkButton            *agree_button;
  GtkRevealer          *conflict_revealer;
  GtkLabel             *conflict_label;
  AdwLeaflet           *leaflet;
  GtkListBox           *needs_list;
  GtkListBox           *sections_list;
  GtkScrolledWindow    *content_scroll;
  GtkWidget            *sections_box;
  AdwPreferencesGroup  *decisions_group;
  GtkTextView          *about_view;
  GtkTextView          *matters_view;
  GtkListBox           *goals_list;
  AdwEntryRow          *new_goal_row;
  GtkListBox           *actions_list;
  AdwEntryRow          *new_action_row;
  GtkListBox           *support_list;
  AdwExpanderRow       *new_support_row;
  AdwEntryRow          *new_support_name_row;
  AdwComboRow          *new_support_kind_row;
  AdwEntryRow          *new_support_contact_row;
  GtkTextView          *warning_view;
  GtkTextView          *crisis_actions_view;
  GtkListBox           *contacts_list;
  GtkWidget            *add_contact_row;
  GtkSwitch            *crisis_first_switch;
  GtkTextView          *medicines_view;
  AdwEntryRow          *coordinator_name_row;
  AdwEntryRow          *coordinator_phone_row;
  AdwEntryRow          *coordinator_hours_row;
  GtkListBox           *team_list;
  AdwExpanderRow       *new_member_row;
  AdwEntryRow          *new_member_name_row;
  AdwComboRow          *new_member_role_row;
  AdwEntryRow          *new_member_phone_row;
  AdwEntryRow          *new_member_hours_row;
  GtkTextView          *consent_view;
  AdwEntryRow          *review_row;
  GtkLabel             *review_state_label;
  GtkMenuButton        *review_calendar_button;
  GtkCalendar          *review_calendar;
};

G_DEFINE_FINAL_TYPE (KithPlanEditor, kith_plan_editor, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_PATIENT_ID,
  PROP_EDITOR_NAME,
  PROP_PLAN,
  PROP_HAS_CHANGES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *owner_kind_codes[] = { "professional", "person", "carer" };
static const char *support_kinds[] = { "service", "signposting", "social-prescribing", "voluntary" };
static const char *member_roles[] = { "gp", "nurse", "social-worker", "carer", "other" };

static const char *editor_css =
  ".kith-plan-state { padding: 2px 10px; border-radius: 999px; }\n"
  ".kith-plan-state.draft { background-color: alpha(@accent_bg_color, 0.15); color: @accent_color; }\n"
  ".kith-plan-state.agreed { background-color: alpha(@success_bg_color, 0.15); color: @success_color; }\n"
  ".kith-plan-state.under-review { background-color: alpha(@warning_bg_color, 0.2); color: @warning_color; }\n"
  ".kith-plan-state.ended { background-color: alpha(@view_fg_color, 0.1); }\n"
  ".kith-plan-conflict { padding: 10px 18px; background-color: alpha(@warning_bg_color, 0.25); }\n"
  ".kith-plan-overdue { color: @error_color; font-weight: bold; }\n"
  ".kith-plan-due { color: @warning_color; font-weight: bold; }\n";

/* Helpers */

static gboolean
is_empty (const char *text)
{
  return text == NULL || *text == '\0';
}

static void
plan_need_free (PlanNeed *need)
{
  g_free (need->condition_id);
  g_free (need->rule_id);
  g_free (need->title);
  g_free (need);
}

static GtkWindow *
get_parent_window (KithPlanEditor *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_toast (KithPlanEditor *self,
            const char     *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static char *
dup_person_name (KithPlanEditor *self)
{
  if (self->patient != NULL)
    return kith_patient_dup_spoken_name (self->patient);
  return g_strdup (_("The person"));
}

static void
get_today (GDate *today)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_date_clear (today, 1);
  g_date_set_dmy (today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
}

static char *
format_iso (const GDate *date)
{
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

/* What the person typed as a date ("2027-03-03", "3/3/2027", "3 March
 * 2027") as ISO, or NULL when it is not a date. */
static char *
parse_date_text (const char *text)
{
  g_autofree char *clean = g_strstrip (g_strdup (text != NULL ? text : ""));
  unsigned y, m, d;
  char end;
  GDate date;

  if (*clean == '\0')
    return NULL;
  if (sscanf (clean, "%4u-%2u-%2u%c", &y, &m, &d, &end) == 3 && g_date_valid_dmy (d, m, y))
    {
      g_date_clear (&date, 1);
      g_date_set_dmy (&date, d, m, y);
      return format_iso (&date);
    }
  if (sscanf (clean, "%2u/%2u/%4u%c", &d, &m, &y, &end) == 3 && y > 1900 && g_date_valid_dmy (d, m, y))
    {
      g_date_clear (&date, 1);
      g_date_set_dmy (&date, d, m, y);
      return format_iso (&date);
    }
  g_date_clear (&date, 1);
  g_date_set_parse (&date, clean);
  if (g_date_valid (&date) && g_date_get_year (&date) > 1900)
    return format_iso (&date);
  return NULL;
}

static char *
format_date (const char *iso)
{
  return iso != NULL ? kith_plan_document_format_date (iso) : NULL;
}

static void
text_view_set_text (GtkTextView *view,
                    const char  *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text != NULL ? text : "", -1);
}

static void
set_entry_text (AdwEntryRow *row,
                const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

static char *
dup_entry_text (AdwEntryRow *row)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

static void
set_row_error (GtkWidget *row,
               gboolean   error)
{
  if (error)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

static const char *
option_title (const char *option_id)
{
  const KithOption *option;

  if (option_id == NULL)
    return NULL;
  option = kith_option_library_lookup (kith_option_library_get_default (), option_id);
  return option != NULL ? option->title : option_id;
}

static const char *
certainty_words (const char *certainty)
{
  if (g_strcmp0 (certainty, "sure") == 0)
    return _("sure");
  if (g_strcmp0 (certainty, "fairly-sure") == 0)
    return _("fairly sure");
  if (g_strcmp0 (certainty, "unsure") == 0)
    return _("unsure");
  return NULL;
}

static const char *
action_status_title (KithActionStatus status)
{
  switch (status)
    {
    case KITH_ACTION_NOT_STARTED: return _("Not started");
    case KITH_ACTION_IN_PROGRESS: return _("Under way");
    case KITH_ACTION_DONE: return _("Done");
    case KITH_ACTION_CANCELLED: return _("Cancelled");
    default: return "";
    }
}

/* The plan's decision for a need: keyed by its Condition, or by its rule. */
static KithDecision *
find_decision (GPtrArray      *decisions,
               const PlanNeed *need)
{
  for (guint i = 0; i < decisions->len; i++)
    {
      KithDecision *decision = decisions->pdata[i];

      if (g_strcmp0 (decision->need_id, need->condition_id) == 0 ||
          (need->rule_id != NULL && g_strcmp0 (decision->need_id, need->rule_id) == 0))
        return decision;
    }
  return NULL;
}

static const char *
json_first_code (JsonObject *concept)
{
  JsonNode *node = concept != NULL ? json_object_get_member (concept, "coding") : NULL;
  JsonArray *codings;
  JsonNode *first;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  codings = json_node_get_array (node);
  if (json_array_get_length (codings) == 0)
    return NULL;
  first = json_array_get_element (codings, 0);
  if (!JSON_NODE_HOLDS_OBJECT (first))
    return NULL;
  return kith_fhir_get_string (json_node_get_object (first), "code");
}

static JsonObject *
json_get_object (JsonObject *object,
                 const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gboolean
condition_is_accepted_need (JsonObject *condition)
{
  JsonNode *categories = json_object_get_member (condition, "category");
  gboolean is_need = FALSE;

  if (categories != NULL && JSON_NODE_HOLDS_ARRAY (categories))
    {
      JsonArray *array = json_node_get_array (categories);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_OBJECT (element) &&
              g_strcmp0 (json_first_code (json_node_get_object (element)), NEED_CATEGORY_CODE) == 0)
            is_need = TRUE;
        }
    }

  return is_need &&
         g_strcmp0 (json_first_code (json_get_object (condition, "verificationStatus")), "confirmed") == 0;
}

static void
load_needs (KithPlanEditor *self)
{
  g_autoptr(GPtrArray) conditions = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_set_size (self->needs, 0);

  if (!(conditions = kith_store_list_for_patient (self->store, "Condition", self->patient_id, &error)))
    {
      g_warning ("Could not list the person’s needs: %s", error->message);
      return;
    }

  for (guint i = 0; i < conditions->len; i++)
    {
      JsonObject *condition = conditions->pdata[i];
      JsonObject *code = json_get_object (condition, "code");
      PlanNeed *need;

      if (!condition_is_accepted_need (condition))
        continue;

      need = g_new0 (PlanNeed, 1);
      need->condition_id = g_strdup (kith_fhir_get_string (condition, "id"));
      need->rule_id = g_strdup (json_first_code (code));
      need->title = g_strdup (code != NULL ? kith_fhir_get_string (code, "text") : NULL);
      if (need->title == NULL)
        need->title = g_strdup (_("A need from the assessment"));
      g_ptr_array_add (self->needs, need);
    }
}

static void
track_row (KithPlanEditor *self,
           GtkWidget      *row)
{
  g_ptr_array_add (self->dynamic_rows, g_object_ref (row));
}

static void
remove_dynamic_rows (KithPlanEditor *self)
{
  for (guint i = 0; i < self->dynamic_rows->len; i++)
    {
      GtkWidget *row = self->dynamic_rows->pdata[i];
      GtkWidget *parent = gtk_widget_get_parent (row);

      if (g_object_get_data (G_OBJECT (row), "kith-decision-row") != NULL)
        adw_preferences_group_remove (self->decisions_group, row);
      else if (GTK_IS_LIST_BOX (parent))
        gtk_list_box_remove (GTK_LIST_BOX (parent), row);
    }
  g_ptr_array_set_size (self->dynamic_rows, 0);
}

static void update_header (KithPlanEditor *self);
static void refresh (KithPlanEditor *self);
static void refresh_decisions (KithPlanEditor *self);
static void ask_to_remove (KithPlanEditor *self,
                           GtkWidget      *row);

static void
notify_changed (KithPlanEditor *self)
{
  if (self->filling)
    return;
  update_header (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_CHANGES]);
}

/* The header: state in words, version, who last edited it, review. */
static void
update_header (KithPlanEditor *self)
{
  static const char *state_classes[] = { "draft", "agreed", "under-review", "ended" };
  KithPlanState state = kith_care_plan_get_state (self->plan);
  const char *version = kith_care_plan_get_version (self->plan);
  const char *review = kith_care_plan_get_review_date (self->plan);
  gboolean changes = kith_care_plan_has_changes (self->plan);
  g_autoptr(GString) line = g_string_new (NULL);

  gtk_label_set_text (self->state_label, kith_care_plan_state_to_string (state));
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), state_classes[i]);
  if ((guint) state < G_N_ELEMENTS (state_classes))
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), state_classes[state]);

  if (version == NULL)
    g_string_append (line, _("New plan — not saved yet"));
  else
    {
      g_autofree char *when = format_date (kith_care_plan_get_last_updated (self->plan));
      const char *who = kith_care_plan_get_last_edited_by (self->plan);

      /* Translators: "Version 3" */
      g_string_append_printf (line, _("Version %s"), version);
      if (!is_empty (who) && when != NULL)
        /* Translators: who saved the version, and the date */
        g_string_append_printf (line, _(" · last edited by %s on %s"), who, when);
      else if (!is_empty (who))
        g_string_append_printf (line, _(" · last edited by %s"), who);
      if (changes)
        g_string_append (line, _(" · unsaved changes"));
    }
  gtk_label_set_text (self->version_label, line->str);

  gtk_widget_remove_css_class (GTK_WIDGET (self->review_due_label), "kith-plan-overdue");
  gtk_widget_remove_css_class (GTK_WIDGET (self->review_due_label), "kith-plan-due");
  gtk_widget_remove_css_class (GTK_WIDGET (self->review_state_label), "kith-plan-overdue");
  gtk_widget_remove_css_class (GTK_WIDGET (self->review_state_label), "kith-plan-due");
  if (kith_care_plan_is_review_due (self->plan, NULL))
    {
      GDate today;
      g_autofree char *today_iso = NULL;
      gboolean overdue;
      const char *css;
      const char *text;

      get_today (&today);
      today_iso = format_iso (&today);
      overdue = review != NULL && strcmp (review, today_iso) < 0;
      css = overdue ? "kith-plan-overdue" : "kith-plan-due";
      text = overdue ? _("Review overdue") : _("Review due");
      gtk_label_set_text (self->review_due_label, text);
      gtk_label_set_text (self->review_state_label, overdue ? _("Overdue") : _("Due now"));
      gtk_widget_add_css_class (GTK_WIDGET (self->review_due_label), css);
      gtk_widget_add_css_class (GTK_WIDGET (self->review_state_label), css);
      gtk_widget_set_visible (GTK_WIDGET (self->review_due_label), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->review_state_label), TRUE);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->review_due_label), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->review_state_label), FALSE);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plan.history", version != NULL);
  /* An agreed plan is agreed again once changed (saving makes it "under review"). */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plan.agree",
                                 state == KITH_PLAN_DRAFT || state == KITH_PLAN_UNDER_REVIEW ||
                                 (state == KITH_PLAN_AGREED && changes));
  gtk_button_set_label (self->agree_button,
                        state == KITH_PLAN_UNDER_REVIEW || (state == KITH_PLAN_AGREED && changes)
                          ? _("_Agree Again…") : _("_Agree Plan…"));
}

/* --- goals ---------------------------------------------------------------- */

typedef struct
{
  KithPlanEditor *self;
  AdwExpanderRow *row;
  AdwEntryRow    *text_row;
  AdwEntryRow    *who_row;
  AdwEntryRow    *measure_row;
  GtkSwitch      *achieved_switch;
  GtkWidget      *achieved_label;
  char           *id;
  char           *need_id;
} GoalRow;

static void
goal_row_free (GoalRow *goal_row)
{
  g_free (goal_row->id);
  g_free (goal_row->need_id);
  g_free (goal_row);
}

static void
update_goal_row_titles (GoalRow *goal_row)
{
  g_autofree char *text = dup_entry_text (goal_row->text_row);
  g_autofree char *who = dup_entry_text (goal_row->who_row);
  g_autofree char *measure = dup_entry_text (goal_row->measure_row);
  g_autofree char *subtitle = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (goal_row->row),
                                 text != NULL ? text : _("A goal with no words yet"));
  if (who != NULL && measure != NULL)
    /* Translators: who said the goal, and how progress is measured */
    subtitle = g_strdup_printf (_("Said by %s · We will know by: %s"), who, measure);
  else if (who != NULL)
    subtitle = g_strdup_printf (_("Said by %s"), who);
  else if (measure != NULL)
    subtitle = g_strdup_printf (_("We will know by: %s"), measure);
  adw_expander_row_set_subtitle (goal_row->row, subtitle != NULL ? subtitle : "");
  gtk_widget_set_visible (goal_row->achieved_label, gtk_switch_get_active (goal_row->achieved_switch));
}

static void
on_goal_field_changed_cb (GoalRow *goal_row)
{
  KithPlanEditor *self = goal_row->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL, *who = NULL, *measure = NULL;
  KithGoal goal = { 0 };

  if (self->filling)
    return;

  text = dup_entry_text (goal_row->text_row);
  who = dup_entry_text (goal_row->who_row);
  measure = dup_entry_text (goal_row->measure_row);
  goal.id = goal_row->id;
  goal.text = text;
  goal.expressed_by = who;
  goal.measure = measure;
  goal.need_id = goal_row->need_id;
  goal.achieved = gtk_switch_get_active (goal_row->achieved_switch);

  set_row_error (GTK_WIDGET (goal_row->text_row),
                 !kith_care_plan_update_goal (self->plan, &goal, &error));
  if (error != NULL)
    gtk_widget_set_tooltip_text (GTK_WIDGET (goal_row->text_row), error->message);
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (goal_row->text_row), NULL);

  update_goal_row_titles (goal_row);
  notify_changed (self);
}

static AdwEntryRow *
add_entry_row (AdwExpanderRow *parent,
               const char     *title,
               const char     *text)
{
  AdwEntryRow *row = ADW_ENTRY_ROW (adw_entry_row_new ());

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  set_entry_text (row, text);
  adw_expander_row_add_row (parent, GTK_WIDGET (row));
  return row;
}

static void
on_remove_button_clicked_cb (GtkWidget *button,
                             GtkWidget *row)
{
  KithPlanEditor *self = KITH_PLAN_EDITOR (gtk_widget_get_ancestor (row, KITH_TYPE_PLAN_EDITOR));

  if (self != NULL)
    ask_to_remove (self, row);
}

static void
add_remove_button_row (AdwExpanderRow *parent,
                       const char     *label)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "destructive-action");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  g_signal_connect (button, "clicked", G_CALLBACK (on_remove_button_clicked_cb), parent);
  adw_expander_row_add_row (parent, row);
}

/* Delete on a focused goal, action, contact or service asks to remove it,
 * unless the key is for the text being typed. */
static gboolean
on_row_key_pressed_cb (GtkEventControllerKey *controller,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       GtkWidget             *row)
{
  KithPlanEditor *self;
  GtkRoot *root;
  GtkWidget *focus;

  if (keyval != GDK_KEY_Delete && keyval != GDK_KEY_KP_Delete)
    return FALSE;
  if ((state & (GDK_CONTROL_MASK | GDK_SHIFT_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;

  root = gtk_widget_get_root (row);
  focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  if (focus == NULL || GTK_IS_EDITABLE (focus) || GTK_IS_TEXT_VIEW (focus) ||
      gtk_widget_get_ancestor (focus, GTK_TYPE_EDITABLE) != NULL)
    return FALSE;

  self = KITH_PLAN_EDITOR (gtk_widget_get_ancestor (row, KITH_TYPE_PLAN_EDITOR));
  if (self == NULL)
    return FALSE;
  ask_to_remove (self, row);
  return TRUE;
}

static void
watch_delete_key (GtkWidget *row)
{
  GtkEventController *controller = gtk_event_controller_key_new ();

  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_row_key_pressed_cb), row);
  gtk_widget_add_controller (row, controller);
}

static GtkWidget *
make_goal_row (KithPlanEditor *self,
               const KithGoal *goal)
{
  GoalRow *goal_row = g_new0 (GoalRow, 1);
  AdwExpanderRow *row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  GtkWidget *switch_row;
  GtkWidget *label;

  goal_row->self = self;
  goal_row->row = row;
  goal_row->id = g_strdup (goal->id);
  goal_row->need_id = g_strdup (goal->need_id);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  g_object_set_data_full (G_OBJECT (row), "kith-goal-row", goal_row, (GDestroyNotify) goal_row_free);

  label = gtk_label_new (_("Achieved"));
  gtk_widget_add_css_class (label, "success");
  gtk_widget_add_css_class (label, "heading");
  adw_expander_row_add_action (row, label);
  goal_row->achieved_label = label;

  goal_row->text_row = add_entry_row (row, _("The goal, in their words"), goal->text);
  goal_row->who_row = add_entry_row (row, _("Who said it"), goal->expressed_by);
  goal_row->measure_row = add_entry_row (row, _("How we will know it is working"), goal->measure);

  switch_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (switch_row), _("Achieved"));
  goal_row->achieved_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_switch_set_active (goal_row->achieved_switch, goal->achieved);
  gtk_widget_set_valign (GTK_WIDGET (goal_row->achieved_switch), GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (switch_row), GTK_WIDGET (goal_row->achieved_switch));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (switch_row), GTK_WIDGET (goal_row->achieved_switch));
  adw_expander_row_add_row (row, switch_row);
  add_remove_button_row (row, _("_Remove Goal…"));

  update_goal_row_titles (goal_row);

  g_signal_connect_swapped (goal_row->text_row, "changed", G_CALLBACK (on_goal_field_changed_cb), goal_row);
  g_signal_connect_swapped (goal_row->who_row, "changed", G_CALLBACK (on_goal_field_changed_cb), goal_row);
  g_signal_connect_swapped (goal_row->measure_row, "changed", G_CALLBACK (on_goal_field_changed_cb), goal_row);
  g_signal_connect_swapped (goal_row->achieved_switch, "notify::active",
                            G_CALLBACK (on_goal_field_changed_cb), goal_row);
  watch_delete_key (GTK_WIDGET (row));

  return GTK_WIDGET (row);
}

/* --- actions -------------------------------------------------------------- */

typedef struct
{
  KithPlanEditor *self;
  AdwExpanderRow *row;
  AdwEntryRow    *text_row;
  AdwComboRow    *owner_kind_row;
  AdwEntryRow    *owner_row;
  AdwEntryRow    *due_row;
  AdwComboRow    *status_row;
  GtkWidget      *overdue_label;
  char           *id;
  char           *goal_id;
} ActionRow;

static void
action_row_free (ActionRow *action_row)
{
  g_free (action_row->id);
  g_free (action_row->goal_id);
  g_free (action_row);
}

static void
update_action_row_titles (ActionRow  *action_row,
                          const char *owner,
                          const char *due)
{
  g_autofree char *text = dup_entry_text (action_row->text_row);
  g_autofree char *due_text = format_date (due);
  KithActionStatus status = adw_combo_row_get_selected (action_row->status_row);
  g_autoptr(GString) subtitle = g_string_new (NULL);
  gboolean overdue = FALSE;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (action_row->row),
                                 text != NULL ? text : _("An action with no words yet"));
  if (!is_empty (owner))
    g_string_append (subtitle, owner);
  if (due_text != NULL)
    /* Translators: when an action is due, "due 3 March 2027" */
    g_string_append_printf (subtitle, subtitle->len ? _(" · due %s") : _("Due %s"), due_text);
  g_string_append_printf (subtitle, "%s%s", subtitle->len ? " · " : "", action_status_title (status));
  adw_expander_row_set_subtitle (action_row->row, subtitle->str);

  if (due != NULL && status != KITH_ACTION_DONE && status != KITH_ACTION_CANCELLED)
    {
      GDate today;
      g_autofree char *today_iso = NULL;

      get_today (&today);
      today_iso = format_iso (&today);
      overdue = strcmp (due, today_iso) < 0;
    }
  gtk_widget_set_visible (action_row->overdue_label, overdue);
}

static void
on_action_field_changed_cb (ActionRow *action_row)
{
  KithPlanEditor *self = action_row->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL, *owner = NULL, *due_text = NULL, *due = NULL;
  KithAction action = { 0 };
  gboolean due_ok;
  guint kind;

  if (self->filling)
    return;

  text = dup_entry_text (action_row->text_row);
  owner = dup_entry_text (action_row->owner_row);
  due_text = dup_entry_text (action_row->due_row);
  due = parse_date_text (due_text);
  due_ok = due_text == NULL || due != NULL;
  kind = adw_combo_row_get_selected (action_row->owner_kind_row);

  action.id = action_row->id;
  action.text = text;
  action.owner_kind = kind < G_N_ELEMENTS (owner_kind_codes) ? (KithOwnerKind) kind : KITH_OWNER_PROFESSIONAL;
  action.owner = owner;
  action.due = due;
  action.status = adw_combo_row_get_selected (action_row->status_row);
  action.goal_id = action_row->goal_id;

  set_row_error (GTK_WIDGET (action_row->due_row), !due_ok);
  set_row_error (GTK_WIDGET (action_row->text_row), text == NULL);
  set_row_error (GTK_WIDGET (action_row->owner_row),
                 owner == NULL && action.owner_kind == KITH_OWNER_PROFESSIONAL);
  if (due_ok && !kith_care_plan_update_action (self->plan, &action, &error))
    g_debug ("Action not updated yet: %s", error->message);

  update_action_row_titles (action_row,
                            owner != NULL ? owner
                                          : action.owner_kind == KITH_OWNER_PERSON ? _("the person")
                                          : action.owner_kind == KITH_OWNER_CARER ? _("the carer") : NULL,
                            due);
  notify_changed (self);
}

static AdwComboRow *
add_combo_row (AdwExpanderRow     *parent,
               const char         *title,
               const char * const *items,
               guint               selected)
{
  AdwComboRow *row = ADW_COMBO_ROW (adw_combo_row_new ());
  g_autoptr(GtkStringList) model = gtk_string_list_new (items);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_combo_row_set_model (row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (row, selected);
  adw_expander_row_add_row (parent, GTK_WIDGET (row));
  return row;
}

static void
on_calendar_day_selected_cb (GtkCalendar *calendar,
                             AdwEntryRow *row)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (calendar);
  g_autofree char *iso = g_date_time_format (date, "%Y-%m-%d");
  g_autofree char *text = format_date (iso);
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (calendar), GTK_TYPE_POPOVER);

  set_entry_text (row, text);
  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
}

/* A calendar to pick a date for @row, in a suffix menu button. */
static GtkCalendar *
add_calendar_button (AdwEntryRow *row,
                     GtkMenuButton *button)
{
  GtkWidget *calendar = gtk_calendar_new ();
  GtkWidget *popover = gtk_popover_new ();

  if (button == NULL)
    {
      button = GTK_MENU_BUTTON (gtk_menu_button_new ());
      gtk_menu_button_set_icon_name (button, "x-office-calendar-symbolic");
      gtk_widget_set_valign (GTK_WIDGET (button), GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (GTK_WIDGET (button), "flat");
      gtk_widget_set_tooltip_text (GTK_WIDGET (button), _("Choose a date"));
      adw_entry_row_add_suffix (row, GTK_WIDGET (button));
    }
  gtk_popover_set_child (GTK_POPOVER (popover), calendar);
  gtk_menu_button_set_popover (button, popover);
  g_signal_connect (calendar, "day-selected", G_CALLBACK (on_calendar_day_selected_cb), row);
  return GTK_CALENDAR (calendar);
}

static GtkWidget *
make_action_row (KithPlanEditor   *self,
                 const KithAction *action)
{
  const char *owner_kinds[] = { _("A professional"), _("The person"), _("The carer"), NULL };
  const char *statuses[] = { _("Not started"), _("Under way"), _("Done"), _("Cancelled"), NULL };
  ActionRow *action_row = g_new0 (ActionRow, 1);
  AdwExpanderRow *row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  g_autofree char *due_text = format_date (action->due);
  const char *owner_name = action->owner;

  action_row->self = self;
  action_row->row = row;
  action_row->id = g_strdup (action->id);
  action_row->goal_id = g_strdup (action->goal_id);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  g_object_set_data_full (G_OBJECT (row), "kith-action-row", action_row, (GDestroyNotify) action_row_free);

  action_row->overdue_label = gtk_label_new (_("Overdue"));
  gtk_widget_add_css_class (action_row->overdue_label, "kith-plan-overdue");
  adw_expander_row_add_action (row, action_row->overdue_label);

  /* The core names the person or carer for an action with no name. */
  if ((action->owner_kind == KITH_OWNER_PERSON && g_strcmp0 (owner_name, _("the person")) == 0) ||
      (action->owner_kind == KITH_OWNER_CARER && g_strcmp0 (owner_name, _("the carer")) == 0))
    owner_name = NULL;

  action_row->text_row = add_entry_row (row, _("What will be done"), action->text);
  action_row->owner_kind_row = add_combo_row (row, _("Who does it"), owner_kinds, action->owner_kind);
  action_row->owner_row = add_entry_row (row, _("Their name"), owner_name);
  action_row->due_row = add_entry_row (row, _("Due date"), due_text);
  add_calendar_button (action_row->due_row, NULL);
  action_row->status_row = add_combo_row (row, _("Status"), statuses, action->status);
  add_remove_button_row (row, _("_Remove Action…"));

  update_action_row_titles (action_row, action->owner, action->due);

  g_signal_connect_swapped (action_row->text_row, "changed", G_CALLBACK (on_action_field_changed_cb), action_row);
  g_signal_connect_swapped (action_row->owner_row, "changed", G_CALLBACK (on_action_field_changed_cb), action_row);
  g_signal_connect_swapped (action_row->due_row, "changed", G_CALLBACK (on_action_field_changed_cb), action_row);
  g_signal_connect_swapped (action_row->owner_kind_row, "notify::selected",
                            G_CALLBACK (on_action_field_changed_cb), action_row);
  g_signal_connect_swapped (action_row->status_row, "notify::selected",
                            G_CALLBACK (on_action_field_changed_cb), action_row);
  watch_delete_key (GTK_WIDGET (row));

  return GTK_WIDGET (row);
}

/* --- crisis contacts ------------------------------------------------------ */

typedef struct
{
  KithPlanEditor *self;
  AdwExpanderRow *row;
  AdwEntryRow    *name_row;
  AdwEntryRow    *phone_row;
  AdwEntryRow    *when_row;
} ContactRow;

static void
write_contacts (KithPlanEditor *self)
{
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_contact_free);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->contacts_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      ContactRow *contact_row = g_object_get_data (G_OBJECT (child), "kith-contact-row");
      KithContact *contact;

      if (contact_row == NULL)
        continue;
      contact = g_new0 (KithContact, 1);
      contact->name = dup_entry_text (contact_row->name_row);
      contact->phone = dup_entry_text (contact_row->phone_row);
      contact->when = dup_entry_text (contact_row->when_row);
      g_ptr_array_add (contacts, contact);
    }
  kith_care_plan_set_crisis_contacts (self->plan, contacts);
}

static void
update_contact_row_titles (ContactRow *contact_row)
{
  g_autofree char *name = dup_entry_text (contact_row->name_row);
  g_autofree char *phone = dup_entry_text (contact_row->phone_row);
  g_autofree char *when = dup_entry_text (contact_row->when_row);
  g_autofree char *subtitle = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (contact_row->row),
                                 name != NULL ? name : _("Someone to call"));
  if (phone != NULL && when != NULL)
    subtitle = g_strdup_printf ("%s · %s", phone, when);
  adw_expander_row_set_subtitle (contact_row->row,
                                 subtitle != NULL ? subtitle : phone != NULL ? phone : when != NULL ? when : "");
}

static void
on_contact_field_changed_cb (ContactRow *contact_row)
{
  if (contact_row->self->filling)
    return;
  update_contact_row_titles (contact_row);
  write_contacts (contact_row->self);
  notify_changed (contact_row->self);
}

static GtkWidget *
make_contact_row (KithPlanEditor    *self,
                  const KithContact *contact)
{
  ContactRow *contact_row = g_new0 (ContactRow, 1);
  AdwExpanderRow *row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  GtkWidget *icon = gtk_image_new_from_icon_name ("call-start-symbolic");

  contact_row->self = self;
  contact_row->row = row;
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  g_object_set_data_full (G_OBJECT (row), "kith-contact-row", contact_row, g_free);
  adw_expander_row_add_prefix (row, icon);

  contact_row->name_row = add_entry_row (row, _("Who to call"), contact->name);
  contact_row->phone_row = add_entry_row (row, _("Phone"), contact->phone);
  adw_entry_row_set_input_purpose (contact_row->phone_row, GTK_INPUT_PURPOSE_PHONE);
  contact_row->when_row = add_entry_row (row, _("When to call them (for example “any hour”)"), contact->when);
  add_remove_button_row (row, _("_Remove…"));
  update_contact_row_titles (contact_row);

  g_signal_connect_swapped (contact_row->name_row, "changed", G_CALLBACK (on_contact_field_changed_cb), contact_row);
  g_signal_connect_swapped (contact_row->phone_row, "changed", G_CALLBACK (on_contact_field_changed_cb), contact_row);
  g_signal_connect_swapped (contact_row->when_row, "changed", G_CALLBACK (on_contact_field_changed_cb), contact_row);
  watch_delete_key (GTK_WIDGET (row));

  return GTK_WIDGET (row);
}

/* --- support and the care team -------------------------------------------- */

static const char *
support_kind_title (const char *kind)
{
  if (g_strcmp0 (kind, "signposting") == 0)
    return _("Signposting");
  if (g_strcmp0 (kind, "social-prescribing") == 0)
    return _("Social prescribing");
  if (g_strcmp0 (kind, "voluntary") == 0)
    return _("Voluntary or community group");
  return _("Service");
}

static GtkWidget *
make_removable_row (const char *title,
                    const char *subtitle,
                    const char *data_key,
                    const char *id,
                    const char *remove_tooltip)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle != NULL ? subtitle : "");
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  g_object_set_data_full (G_OBJECT (row), data_key, g_strdup (id), g_free);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, remove_tooltip);
  gtk_widget_add_css_class (button, "flat");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  g_signal_connect (button, "clicked", G_CALLBACK (on_remove_button_clicked_cb), row);
  gtk_widget_set_focusable (row, TRUE);
  watch_delete_key (row);
  return row;
}

static GtkWidget *
make_support_row (const KithSupport *support)
{
  g_autofree char *subtitle = NULL;

  if (!is_empty (support->contact))
    subtitle = g_strdup_printf ("%s · %s", support_kind_title (support->kind), support->contact);
  return make_removable_row (support->name, subtitle != NULL ? subtitle : support_kind_title (support->kind),
                             "kith-support-id", support->id, _("Remove from the plan"));
}

static GtkWidget *
make_member_row (const KithTeamMember *member)
{
  g_autoptr(GString) subtitle = g_string_new (member->role_title);

  if (!is_empty (member->phone))
    g_string_append_printf (subtitle, " · %s", member->phone);
  if (!is_empty (member->hours))
    g_string_append_printf (subtitle, " · %s", member->hours);
  return make_removable_row (member->name, subtitle->str, "kith-member-id", member->id,
                             _("Remove from the care team"));
}

/* --- decisions ------------------------------------------------------------ */

static char *
dup_decision_summary (const KithDecision *decision)
{
  if (decision == NULL)
    return g_strdup (_("No shared decision yet"));
  if (decision->agreed != NULL)
    /* Translators: the option agreed in a shared decision */
    return g_strdup_printf (_("Agreed: %s"), option_title (decision->agreed));
  if (decision->preferred != NULL)
    return g_strdup_printf (_("Talked about; leaning towards %s"), option_title (decision->preferred));
  return g_strdup (_("Talked about; not decided yet"));
}

static GtkWidget *
make_need_row (const PlanNeed     *need,
               const KithDecision *decision)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon;
  g_autofree char *summary = dup_decision_summary (decision);
  gboolean decided = decision != NULL && decision->agreed != NULL;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), need->title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), summary);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "kith-need-id", g_strdup (need->condition_id), g_free);

  icon = gtk_image_new_from_icon_name (decided ? "emblem-ok-symbolic" : "dialog-question-symbolic");
  gtk_widget_add_css_class (icon, decided ? "success" : "dim-label");
  gtk_widget_set_tooltip_text (icon, decided ? _("Shared decision recorded") : _("No agreed choice yet"));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  return row;
}

static GtkWidget *
make_decision_row (const KithDecision *decision,
                   const char         *need_id)
{
  GtkWidget *row = adw_action_row_new ();
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autofree char *summary = dup_decision_summary (decision);
  g_autofree char *people = NULL;

  g_string_append (subtitle, summary);
  if (certainty_words (decision->certainty) != NULL)
    /* Translators: how sure the person feels about the decision */
    g_string_append_printf (subtitle, _(" · feels %s"), certainty_words (decision->certainty));
  if (decision->participants != NULL && decision->participants[0] != NULL)
    {
      people = g_strjoinv (", ", decision->participants);
      g_string_append_printf (subtitle, "\n%s %s", _("Who took part:"), people);
    }
  if (decision->collaborate[0] >= 0)
    g_string_append_printf (subtitle, "\n%s",
                            kith_decision_is_collaborate_top (decision)
                              ? _("Felt fully involved (collaboRATE: every effort made)")
                              : _("collaboRATE asked: not every effort was felt"));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 decision->need_title != NULL ? decision->need_title : decision->need_id);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 6);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), need_id != NULL);
  if (need_id != NULL)
    {
      g_object_set_data_full (G_OBJECT (row), "kith-need-id", g_strdup (need_id), g_free);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
    }
  return row;
}

static void on_decision_row_activated_cb (KithPlanEditor *self,
                                          GtkWidget      *row);

static void
refresh_decisions (KithPlanEditor *self)
{
  g_autoptr(GPtrArray) decisions = kith_care_plan_list_decisions (self->plan);
  g_autoptr(GHashTable) shown = g_hash_table_new (NULL, NULL);
  GtkWidget *child;

  /* The needs list, and the decision rows: rebuilt whole (they are few). */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->needs_list))) != NULL)
    gtk_list_box_remove (self->needs_list, child);
  for (guint i = 0; i < self->dynamic_rows->len; i++)
    {
      GtkWidget *row = self->dynamic_rows->pdata[i];

      if (g_object_get_data (G_OBJECT (row), "kith-decision-row") != NULL)
        {
          adw_preferences_group_remove (self->decisions_group, row);
          g_ptr_array_remove_index (self->dynamic_rows, i--);
        }
    }

  if (self->needs->len == 0)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *label = gtk_label_new (_("No accepted needs yet. The needs accepted in the holistic "
                                          "assessment appear here."));

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_margin_top (label, 12);
      gtk_widget_set_margin_bottom (label, 12);
      gtk_widget_set_margin_start (label, 12);
      gtk_widget_set_margin_end (label, 12);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_widget_set_focusable (row, FALSE);
      gtk_list_box_append (self->needs_list, row);
    }

  for (guint i = 0; i < self->needs->len; i++)
    {
      PlanNeed *need = self->needs->pdata[i];
      KithDecision *decision = find_decision (decisions, need);

      gtk_list_box_append (self->needs_list, make_need_row (need, decision));
      if (decision != NULL)
        g_hash_table_add (shown, decision);
    }

  for (guint i = 0; i < decisions->len; i++)
    {
      KithDecision *decision = decisions->pdata[i];
      const char *need_id = NULL;
      GtkWidget *row;

      /* Decisions of needs no longer open are still shown, read-only. */
      for (guint n = 0; n < self->needs->len && g_hash_table_contains (shown, decision); n++)
        if (find_decision (decisions, self->needs->pdata[n]) == decision)
          need_id = ((PlanNeed *) self->needs->pdata[n])->condition_id;

      row = make_decision_row (decision, need_id);
      g_object_set_data (G_OBJECT (row), "kith-decision-row", GINT_TO_POINTER (TRUE));
      if (need_id != NULL)
        g_signal_connect_swapped (row, "activated", G_CALLBACK (on_decision_row_activated_cb), self);
      adw_preferences_group_add (self->decisions_group, row);
      track_row (self, row);
    }

  if (decisions->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No shared decisions recorded yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Choose a need on the left to talk through the options."));
      gtk_widget_set_focusable (row, FALSE);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_widget_add_css_class (row, "dim-label");
      g_object_set_data (G_OBJECT (row), "kith-decision-row", GINT_TO_POINTER (TRUE));
      adw_preferences_group_add (self->decisions_group, row);
      track_row (self, row);
    }
}

/* Fills every widget from the plan. */
static void
refresh (KithPlanEditor *self)
{
  g_autoptr(GPtrArray) goals = kith_care_plan_list_goals (self->plan);
  g_autoptr(GPtrArray) actions = kith_care_plan_list_actions (self->plan);
  g_autoptr(GPtrArray) contacts = kith_care_plan_list_crisis_contacts (self->plan);
  g_autoptr(GPtrArray) support = kith_care_plan_list_support (self->plan);
  g_autoptr(GPtrArray) team = kith_care_plan_list_team (self->plan);
  const KithTeamMember *coordinator;
  g_autofree char *review = NULL;
  gboolean ended = kith_care_plan_get_state (self->plan) == KITH_PLAN_ENDED;

  self->filling = TRUE;

  remove_dynamic_rows (self);
  refresh_decisions (self);

  text_view_set_text (self->about_view, kith_care_plan_get_about_me (self->plan));
  text_view_set_text (self->matters_view, kith_care_plan_get_what_matters (self->plan));
  text_view_set_text (self->medicines_view, kith_care_plan_get_medicines_note (self->plan));
  text_view_set_text (self->consent_view, kith_care_plan_get_consent_to_share (self->plan));
  text_view_set_text (self->warning_view, kith_care_plan_get_warning_signs (self->plan));
  text_view_set_text (self->crisis_actions_view, kith_care_plan_get_crisis_actions (self->plan));
  gtk_switch_set_active (self->crisis_first_switch, kith_care_plan_get_crisis_first (self->plan));

  for (guint i = 0; i < goals->len; i++)
    {
      GtkWidget *row = make_goal_row (self, goals->pdata[i]);

      gtk_list_box_insert (self->goals_list, row, i);
      track_row (self, row);
    }
  for (guint i = 0; i < actions->len; i++)
    {
      GtkWidget *row = make_action_row (self, actions->pdata[i]);

      gtk_list_box_insert (self->actions_list, row, i);
      track_row (self, row);
    }
  for (guint i = 0; i < contacts->len; i++)
    {
      GtkWidget *row = make_contact_row (self, contacts->pdata[i]);

      gtk_list_box_insert (self->contacts_list, row, i);
      track_row (self, row);
    }
  for (guint i = 0; i < support->len; i++)
    {
      GtkWidget *row = make_support_row (support->pdata[i]);

      gtk_list_box_insert (self->support_list, row, i);
      track_row (self, row);
    }

  coordinator = kith_care_plan_get_coordinator (self->plan);
  set_entry_text (self->coordinator_name_row, coordinator != NULL ? coordinator->name : NULL);
  set_entry_text (self->coordinator_phone_row, coordinator != NULL ? coordinator->phone : NULL);
  set_entry_text (self->coordinator_hours_row, coordinator != NULL ? coordinator->hours : NULL);
  for (guint i = 0, position = 0; i < team->len; i++)
    {
      KithTeamMember *member = team->pdata[i];
      GtkWidget *row;

      if (g_strcmp0 (member->role, "coordinator") == 0)
        continue;
      row = make_member_row (member);
      gtk_list_box_insert (self->team_list, row, position++);
      track_row (self, row);
    }

  review = format_date (kith_care_plan_get_review_date (self->plan));
  set_entry_text (self->review_row, review);
  set_row_error (GTK_WIDGET (self->review_row), FALSE);

  gtk_widget_set_sensitive (self->sections_box, !ended);
  gtk_widget_set_sensitive (GTK_WIDGET (self->needs_list), !ended);

  self->filling = FALSE;

  update_header (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_CHANGES]);
}

static void
set_plan (KithPlanEditor *self,
          KithCarePlan   *plan)
{
  if (g_set_object (&self->plan, plan))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAN]);
  gtk_revealer_set_reveal_child (self->conflict_revealer, FALSE);
  refresh (self);
}

/* Plain words for the part of the plan a merge conflict is in. */
static const char *
describe_conflict_part (const char *message)
{
  static const struct { const char *marker; const char *words; } parts[] = {
    { "about-me", N_("About me") },
    { "what-matters", N_("What matters to me") },
    { "medicines", N_("Medicines review") },
    { "consent", N_("Consent to share") },
    { "crisis", N_("Crisis and contingency plan") },
    { "review", N_("Review") },
    { "decision", N_("Shared decisions") },
    { "support", N_("Support and services") },
    { "Goal", N_("My goals") },
    { "goal", N_("My goals") },
    { "Task", N_("Actions") },
    { "action", N_("Actions") },
    { "team", N_("Care team") },
    { "member", N_("Care team") },
    { "agreement", N_("Agreement") },
  };

  for (guint i = 0; message != NULL && i < G_N_ELEMENTS (parts); i++)
    if (strstr (message, parts[i].marker) != NULL)
      return _(parts[i].words);
  return NULL;
}

static void
on_conflict_dialog_response_cb (KithPlanEditor *self,
                                const char     *response)
{
  if (g_strcmp0 (response, "reload") == 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "plan.reload", NULL);
}

static void
show_conflict (KithPlanEditor *self,
               const GError   *error)
{
  const char *part = describe_conflict_part (error->message);
  g_autofree char *text = NULL;
  AdwMessageDialog *dialog;

  if (part != NULL)
    text = g_strdup_printf (_("Someone else saved a change to “%s” while you were editing, so this "
                              "version was not saved. Your changes are still here. Reload theirs "
                              "to see what they wrote, or keep editing and compare."),
                            part);
  else
    text = g_strdup (_("Someone else saved a change to the same part of this plan while you were "
                       "editing, so this version was not saved. Your changes are still here."));

  gtk_label_set_text (self->conflict_label, text);
  gtk_revealer_set_reveal_child (self->conflict_revealer, TRUE);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (get_parent_window (self),
                                                       _("Changed Elsewhere"), text));
  adw_message_dialog_add_responses (dialog,
                                    "keep", _("_Keep Editing"),
                                    "reload", _("_Reload Theirs"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "reload", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "keep");
  adw_message_dialog_set_close_response (dialog, "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_conflict_dialog_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Saves, and says what happened. */
static gboolean
save_and_report (KithPlanEditor *self)
{
  g_autoptr(GError) error = NULL;
  gboolean had_version = kith_care_plan_get_version (self->plan) != NULL;

  if (!kith_care_plan_has_changes (self->plan))
    {
      show_toast (self, had_version ? _("No changes to save") : _("Nothing to save yet"));
      return TRUE;
    }

  if (!kith_plan_editor_save (self, &error))
    {
      if (g_error_matches (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_CONFLICT))
        show_conflict (self, error);
      else
        {
          AdwMessageDialog *dialog;

          dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (get_parent_window (self),
                                                               _("The Plan Was Not Saved"),
                                                               error->message));
          adw_message_dialog_add_response (dialog, "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (dialog));
        }
      return FALSE;
    }

  {
    /* Translators: "Saved as version 3" */
    g_autofree char *text = g_strdup_printf (_("Saved as version %s"),
                                             kith_care_plan_get_version (self->plan));
    show_toast (self, text);
  }
  return TRUE;
}

/* Saves without asking, as the editor goes away: never lose typing. */
static void
save_quietly (KithPlanEditor *self)
{
  g_autoptr(GError) error = NULL;

  if (self->plan == NULL || self->store == NULL || !kith_care_plan_has_changes (self->plan))
    return;
  if (!kith_plan_editor_save (self, &error))
    g_warning ("The care plan could not be saved as the editor closed: %s", error->message);
}

static void
remove_goal_or_action (KithPlanEditor *self,
                       GtkWidget      *row)
{
  GoalRow *goal_row = g_object_get_data (G_OBJECT (row), "kith-goal-row");
  ActionRow *action_row = g_object_get_data (G_OBJECT (row), "kith-action-row");
  ContactRow *contact_row = g_object_get_data (G_OBJECT (row), "kith-contact-row");
  const char *support_id = g_object_get_data (G_OBJECT (row), "kith-support-id");
  const char *member_id = g_object_get_data (G_OBJECT (row), "kith-member-id");
  GtkWidget *list = gtk_widget_get_parent (row);
  GtkWidget *next = gtk_widget_get_next_sibling (row);

  if (goal_row != NULL)
    kith_care_plan_remove_goal (self->plan, goal_row->id);
  else if (action_row != NULL)
    kith_care_plan_remove_action (self->plan, action_row->id);
  else if (support_id != NULL)
    kith_care_plan_remove_support (self->plan, support_id);
  else if (member_id != NULL)
    kith_care_plan_remove_team_member (self->plan, member_id);

  g_ptr_array_remove (self->dynamic_rows, row);
  if (GTK_IS_LIST_BOX (list))
    gtk_list_box_remove (GTK_LIST_BOX (list), row);
  if (contact_row != NULL)
    write_contacts (self);

  /* Keep the keyboard where it was: on the next row of the list. */
  if (next != NULL)
    gtk_widget_grab_focus (next);

  notify_changed (self);
}

static void
on_remove_dialog_response_cb (AdwMessageDialog *dialog,
                              const char       *response,
                              KithPlanEditor   *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (dialog), "kith-row");

  if (g_strcmp0 (response, "remove") == 0 && row != NULL && gtk_widget_get_parent (row) != NULL)
    remove_goal_or_action (self, row);
}

static void
ask_to_remove (KithPlanEditor *self,
               GtkWidget      *row)
{
  const char *what = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
  const char *heading;
  AdwMessageDialog *dialog;

  if (g_object_get_data (G_OBJECT (row), "kith-goal-row") != NULL)
    heading = _("Remove This Goal?");
  else if (g_object_get_data (G_OBJECT (row), "kith-action-row") != NULL)
    heading = _("Remove This Action?");
  else if (g_object_get_data (G_OBJECT (row), "kith-contact-row") != NULL)
    heading = _("Remove This Contact?");
  else if (g_object_get_data (G_OBJECT (row), "kith-member-id") != NULL)
    heading = _("Remove From the Care Team?");
  else if (g_object_get_data (G_OBJECT (row), "kith-support-id") != NULL)
    heading = _("Remove This Service?");
  else
    return;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (get_parent_window (self), heading, what));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "kith-row", g_object_ref (row), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_dialog_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
scroll_to_widget (KithPlanEditor *self,
                  GtkWidget      *widget)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->content_scroll);
  graphene_point_t point;

  if (gtk_widget_compute_point (widget, self->sections_box, &GRAPHENE_POINT_INIT (0, 0), &point))
    gtk_adjustment_set_value (adjustment, MAX (0, point.y - 12));
}

static void
open_decision (KithPlanEditor *self,
               const char     *condition_id);

/* Callbacks */

static void
on_text_buffer_changed_cb (KithPlanEditor *self,
                           GtkTextBuffer  *buffer)
{
  TextSection section = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (buffer), "kith-section"));
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  if (self->filling)
    return;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  switch (section)
    {
    case TEXT_ABOUT_ME: kith_care_plan_set_about_me (self->plan, text); break;
    case TEXT_WHAT_MATTERS: kith_care_plan_set_what_matters (self->plan, text); break;
    case TEXT_MEDICINES: kith_care_plan_set_medicines_note (self->plan, text); break;
    case TEXT_CONSENT: kith_care_plan_set_consent_to_share (self->plan, text); break;
    case TEXT_WARNING_SIGNS: kith_care_plan_set_warning_signs (self->plan, text); break;
    case TEXT_CRISIS_ACTIONS: kith_care_plan_set_crisis_actions (self->plan, text); break;
    default: g_assert_not_reached ();
    }
  notify_changed (self);
}

static void
on_crisis_first_switch_notify_active_cb (KithPlanEditor *self)
{
  if (self->filling)
    return;
  kith_care_plan_set_crisis_first (self->plan, gtk_switch_get_active (self->crisis_first_switch));
  notify_changed (self);
}

static void
on_new_goal_row_entry_activated_cb (KithPlanEditor *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = dup_entry_text (self->new_goal_row);
  g_autofree char *id = NULL;
  KithGoal goal = { 0 };
  GtkWidget *row;

  if (text == NULL)
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->new_goal_row));
      return;
    }

  goal.text = text;
  goal.expressed_by = (char *) _("the person");
  if (!(id = kith_care_plan_add_goal (self->plan, &goal, &error)))
    {
      show_toast (self, error->message);
      return;
    }
  goal.id = id;

  row = make_goal_row (self, &goal);
  gtk_list_box_insert (self->goals_list, row,
                       gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self->new_goal_row)));
  track_row (self, row);
  set_entry_text (self->new_goal_row, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->new_goal_row));
  notify_changed (self);
}

static void
on_new_action_row_entry_activated_cb (KithPlanEditor *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = dup_entry_text (self->new_action_row);
  g_autofree char *id = NULL;
  KithAction action = { 0 };
  GtkWidget *row;

  if (text == NULL)
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->new_action_row));
      return;
    }

  /* The one writing it does it, until said otherwise. */
  action.text = text;
  action.owner_kind = KITH_OWNER_PROFESSIONAL;
  action.owner = self->editor_name;
  action.status = KITH_ACTION_NOT_STARTED;
  if (!(id = kith_care_plan_add_action (self->plan, &action, &error)))
    {
      show_toast (self, error->message);
      return;
    }
  action.id = id;

  row = make_action_row (self, &action);
  gtk_list_box_insert (self->actions_list, row,
                       gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self->new_action_row)));
  track_row (self, row);
  set_entry_text (self->new_action_row, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->new_action_row));
  notify_changed (self);
}

static void
on_new_support_add_cb (KithPlanEditor *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = dup_entry_text (self->new_support_name_row);
  g_autofree char *contact = dup_entry_text (self->new_support_contact_row);
  g_autofree char *id = NULL;
  guint kind = adw_combo_row_get_selected (self->new_support_kind_row);
  KithSupport support = { 0 };
  GtkWidget *row;

  support.name = name;
  support.contact = contact;
  support.kind = (char *) support_kinds[MIN (kind, G_N_ELEMENTS (support_kinds) - 1)];
  if (!(id = kith_care_plan_add_support (self->plan, &support, &error)))
    {
      set_row_error (GTK_WIDGET (self->new_support_name_row), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->new_support_name_row));
      show_toast (self, error->message);
      return;
    }
  support.id = id;

  set_row_error (GTK_WIDGET (self->new_support_name_row), FALSE);
  row = make_support_row (&support);
  gtk_list_box_insert (self->support_list, row,
                       gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self->new_support_row)));
  track_row (self, row);
  set_entry_text (self->new_support_name_row, NULL);
  set_entry_text (self->new_support_contact_row, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->new_support_name_row));
  notify_changed (self);
}

static void
on_new_member_add_cb (KithPlanEditor *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = dup_entry_text (self->new_member_name_row);
  g_autofree char *phone = dup_entry_text (self->new_member_phone_row);
  g_autofree char *hours = dup_entry_text (self->new_member_hours_row);
  g_autofree char *id = NULL;
  guint role = adw_combo_row_get_selected (self->new_member_role_row);
  g_autoptr(GPtrArray) team = NULL;
  KithTeamMember member = { 0 };

  member.name = name;
  member.phone = phone;
  member.hours = hours;
  member.role = (char *) member_roles[MIN (role, G_N_ELEMENTS (member_roles) - 1)];
  if (!(id = kith_care_plan_add_team_member (self->plan, &member, &error)))
    {
      set_row_error (GTK_WIDGET (self->new_member_name_row), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->new_member_name_row));
      show_toast (self, error->message);
      return;
    }

  set_row_error (GTK_WIDGET (self->new_member_name_row), FALSE);
  team = kith_care_plan_list_team (self->plan);
  for (guint i = 0; i < team->len; i++)
    if (g_strcmp0 (((KithTeamMember *) team->pdata[i])->id, id) == 0)
      {
        GtkWidget *row = make_member_row (team->pdata[i]);

        gtk_list_box_insert (self->team_list, row,
                             gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self->new_member_row)));
        track_row (self, row);
      }
  set_entry_text (self->new_member_name_row, NULL);
  set_entry_text (self->new_member_phone_row, NULL);
  set_entry_text (self->new_member_hours_row, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->new_member_name_row));
  notify_changed (self);
}

/* The co-ordinator is one member of the team, named afresh as typed. */
static void
on_coordinator_row_changed_cb (KithPlanEditor *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL, *phone = NULL, *hours = NULL, *id = NULL;
  const KithTeamMember *current;
  KithTeamMember member = { 0 };

  if (self->filling)
    return;

  name = dup_entry_text (self->coordinator_name_row);
  phone = dup_entry_text (self->coordinator_phone_row);
  hours = dup_entry_text (self->coordinator_hours_row);

  if (name == NULL)
    {
      if ((current = kith_care_plan_get_coordinator (self->plan)) != NULL)
        kith_care_plan_remove_team_member (self->plan, current->id);
      set_row_error (GTK_WIDGET (self->coordinator_name_row), phone != NULL || hours != NULL);
      notify_changed (self);
      return;
    }

  set_row_error (GTK_WIDGET (self->coordinator_name_row), FALSE);
  member.name = name;
  member.role = (char *) "coordinator";
  member.phone = phone;
  member.hours = hours;
  if (!(id = kith_care_plan_add_team_member (self->plan, &member, &error)))
    g_warning ("Could not name the co-ordinator: %s", error->message);
  notify_changed (self);
}

static void
on_add_contact_row_activated_cb (KithPlanEditor *self)
{
  KithContact contact = { 0 };
  GtkWidget *row = make_contact_row (self, &contact);
  ContactRow *contact_row = g_object_get_data (G_OBJECT (row), "kith-contact-row");

  gtk_list_box_insert (self->contacts_list, row,
                       gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self->add_contact_row)));
  track_row (self, row);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (contact_row->name_row));
}

static void
on_review_row_changed_cb (KithPlanEditor *self)
{
  g_autofree char *text = NULL;
  g_autofree char *iso = NULL;

  if (self->filling)
    return;

  text = dup_entry_text (self->review_row);
  iso = parse_date_text (text);
  if (text != NULL && iso == NULL)
    {
      set_row_error (GTK_WIDGET (self->review_row), TRUE);
      return;
    }
  set_row_error (GTK_WIDGET (self->review_row), FALSE);
  kith_care_plan_set_review_date (self->plan, iso, NULL);
  notify_changed (self);
}

static void
on_needs_list_row_activated_cb (KithPlanEditor *self,
                                GtkListBoxRow  *row)
{
  const char *need_id = g_object_get_data (G_OBJECT (row), "kith-need-id");

  if (need_id != NULL)
    open_decision (self, need_id);
}

static void
on_decision_row_activated_cb (KithPlanEditor *self,
                              GtkWidget      *row)
{
  on_needs_list_row_activated_cb (self, GTK_LIST_BOX_ROW (row));
}

static void
on_sections_list_row_activated_cb (KithPlanEditor *self,
                                   GtkListBoxRow  *row)
{
  GtkWidget *group = g_object_get_data (G_OBJECT (row), "kith-group");
  GtkWidget *first;

  if (group == NULL)
    return;
  scroll_to_widget (self, group);
  /* Move the keyboard there too, to the section's first field. */
  first = g_object_get_data (G_OBJECT (row), "kith-focus");
  if (first != NULL && gtk_widget_get_mapped (first))
    gtk_widget_grab_focus (first);
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
on_decision_dialog_decided_cb (KithPlanEditor *self)
{
  refresh_decisions (self);
  update_header (self);
  save_and_report (self);
}

static void
open_decision (KithPlanEditor *self,
               const char     *condition_id)
{
  KithPlanDecisionDialog *dialog;
  PlanNeed *need = NULL;
  g_autofree char *person = dup_person_name (self);

  for (guint i = 0; i < self->needs->len; i++)
    if (g_strcmp0 (((PlanNeed *) self->needs->pdata[i])->condition_id, condition_id) == 0)
      need = self->needs->pdata[i];
  if (need == NULL)
    return;

  dialog = kith_plan_decision_dialog_new (self->plan, need->condition_id, need->rule_id, need->title,
                                          person, self->editor_name);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), get_parent_window (self));
  g_signal_connect_object (dialog, "decided", G_CALLBACK (on_decision_dialog_decided_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_agree_dialog_response_cb (KithPlanEditor      *self,
                             const char          *response,
                             KithPlanAgreeDialog *dialog)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *who = NULL;

  if (g_strcmp0 (response, "agree") != 0)
    return;

  who = kith_plan_agree_dialog_dup_agreed_by (dialog);
  if (!kith_care_plan_agree (self->plan, who, kith_plan_agree_dialog_get_by_representative (dialog),
                             kith_plan_agree_dialog_get_how (dialog), &error))
    {
      AdwMessageDialog *message;

      message = ADW_MESSAGE_DIALOG (adw_message_dialog_new (get_parent_window (self),
                                                            _("The Plan Was Not Agreed"),
                                                            error->message));
      adw_message_dialog_add_response (message, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (message));
      return;
    }

  update_header (self);
  if (save_and_report (self))
    {
      /* Translators: who agreed the plan, "Agreed with Margaret Smith" */
      g_autofree char *text = g_strdup_printf (_("Plan agreed with %s and saved as version %s"), who,
                                               kith_care_plan_get_version (self->plan));
      show_toast (self, text);
    }
}

static void
on_crunch_dialog_response_cb (KithPlanEditor   *self,
                              const char       *response,
                              AdwMessageDialog *dialog)
{
  GtkCheckButton **checks = g_object_get_data (G_OBJECT (dialog), "kith-checks");
  GtkEditable *note = g_object_get_data (G_OBJECT (dialog), "kith-note");
  KithCrunchPoint point = KITH_CRUNCH_DISCHARGE;

  if (g_strcmp0 (response, "record") != 0)
    return;

  for (guint i = 0; i < 3; i++)
    if (gtk_check_button_get_active (checks[i]))
      point = i;

  kith_care_plan_record_crunch_point (self->plan, point, gtk_editable_get_text (note));
  self->filling = TRUE;
  {
    g_autofree char *review = format_date (kith_care_plan_get_review_date (self->plan));
    set_entry_text (self->review_row, review);
  }
  self->filling = FALSE;
  notify_changed (self);
  show_toast (self, _("Crunch point recorded: the review is due now"));
}

/* Actions */

static void
plan_save_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  save_and_report (KITH_PLAN_EDITOR (widget));
}

static void
plan_add_goal_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  KithPlanEditor *self = KITH_PLAN_EDITOR (widget);

  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->content_scroll));
  scroll_to_widget (self, GTK_WIDGET (self->new_goal_row));
  gtk_widget_grab_focus (GTK_WIDGET (self->new_goal_row));
}

static void
plan_add_action_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  KithPlanEditor *self = KITH_PLAN_EDITOR (widget);

  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->content_scroll));
  scroll_to_widget (self, GTK_WIDGET (self->new_action_row));
  gtk_widget_grab_focus (GTK_WIDGET (self->new_action_row));
}

static void
plan_agree_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KithPlanEditor *self = KITH_PLAN_EDITOR (widget);
  g_autofree char *reason = kith_care_plan_check_agreement (self->plan);
  g_autofree char *person = dup_person_name (self);
  KithPlanAgreeDialog *dialog;

  if (reason != NULL)
    {
      AdwMessageDialog *message;

      message = ADW_MESSAGE_DIALOG (adw_message_dialog_new (get_parent_window (self),
                                                            _("Not Ready to Agree"), reason));
      adw_message_dialog_add_response (message, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (message));
      return;
    }

  dialog = kith_plan_agree_dialog_new (get_parent_window (self), person);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_agree_dialog_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
plan_history_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  KithPlanEditor *self = KITH_PLAN_EDITOR (widget);
  KithPlanHistory *history;

  if (kith_care_plan_get_version (self->plan) == NULL)
    {
      show_toast (self, _("Save the plan to start its history"));
      return;
    }

  history = kith_plan_history_new (get_parent_window (self), self->store,
                                   kith_care_plan_get_id (self->plan));
  gtk_window_present (GTK_WINDOW (history));
}

static void
plan_crunch_point_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  KithPlanEditor *self = KITH_PLAN_EDITOR (widget);
  const char *labels[] = { N_("Discharged from hospital"), N_("Moved to a new setting or service"),
                           N_("A change in their condition") };
  GtkCheckButton **checks = g_new0 (GtkCheckButton *, 3);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *note = gtk_entry_new ();
  AdwMessageDialog *dialog;

  for (guint i = 0; i < 3; i++)
    {
      checks[i] = GTK_CHECK_BUTTON (gtk_check_button_new_with_label (_(labels[i])));
      if (i > 0)
        gtk_check_button_set_group (checks[i], checks[0]);
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (checks[i]));
    }
  gtk_check_button_set_active (checks[0], TRUE);
  gtk_entry_set_placeholder_text (GTK_ENTRY (note), _("What happened (optional)"));
  gtk_widget_set_margin_top (note, 6);
  gtk_box_append (GTK_BOX (box), note);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (get_parent_window (self),
                                                       _("Record a Crunch Point"),
                                                       _("A crunch point makes the plan’s review due now.")));
  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "record", _("_Record"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "record", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "record");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "kith-checks", checks, g_free);
  g_object_set_data (G_OBJECT (dialog), "kith-note", note);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_crunch_dialog_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
plan_reload_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  KithPlanEditor *self = KITH_PLAN_EDITOR (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) theirs = NULL;

  if (kith_care_plan_get_version (self->plan) == NULL)
    return;
  if (!(theirs = kith_care_plan_load (self->store, kith_care_plan_get_id (self->plan), &error)))
    {
      show_toast (self, error->message);
      return;
    }
  load_needs (self);
  set_plan (self, theirs);
  show_toast (self, _("Showing the latest saved version"));
}

/* The person's trends, for "How I am doing" in their copy */
static GPtrArray *
list_trends (KithPlanEditor  *self,
             GError         **error)
{
  if (self->store == NULL || self->patient_id == NULL)
    return g_ptr_array_new ();
  return kith_progress_list_series (self->store, self->patient_id, error);
}

static void
on_print_options_response_cb (KithPlanEditor   *self,
                              const char       *response,
                              AdwMessageDialog *dialog)
{
  g_autoptr(GError) error = NULL;
  KithPlanDocumentOptions options = { 0 };

  if (g_strcmp0 (response, "go") != 0)
    return;

  kith_plan_print_options_dialog_get (dialog, &options.large_print, &options.crisis_first);
  if (kith_plan_print_options_dialog_get_trends (dialog) &&
      !(options.include_trends = (options.trends = list_trends (self, &error)) != NULL))
    {
      show_toast (self, error->message);
      return;
    }
  if (!kith_plan_print_run (get_parent_window (self), self->plan, self->patient, &options, NULL, &error))
    show_toast (self, error->message);
  g_clear_pointer (&options.trends, g_ptr_array_unref);
}

static void
plan_print_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KithPlanEditor *self = KITH_PLAN_EDITOR (widget);
  AdwMessageDialog *dialog;

  dialog = kith_plan_print_options_dialog_new (get_parent_window (self), FALSE,
                                               kith_care_plan_get_crisis_first (self->plan));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_print_options_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_pdf_chooser_response_cb (KithPlanEditor       *self,
                            int                   response,
                            GtkFileChooserNative *chooser)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL &&
      (path = g_file_get_path (file)) != NULL)
    {
      if (kith_plan_editor_export_pdf (self, path, self->large_print, self->crisis_first_print, &error))
        {
          g_autofree char *name = g_file_get_basename (file);
          /* Translators: the PDF's file name */
          g_autofree char *text = g_strdup_printf (_("Saved “%s”"), name);

          show_toast (self, text);
        }
      else
        show_toast (self, error->message);
    }

  g_clear_object (&self->pdf_chooser);
}

static void
on_export_options_response_cb (KithPlanEditor   *self,
                               const char       *response,
                               AdwMessageDialog *dialog)
{
  g_autofree char *person = NULL;
  g_autofree char *name = NULL;

  if (g_strcmp0 (response, "go") != 0)
    return;

  kith_plan_print_options_dialog_get (dialog, &self->large_print, &self->crisis_first_print);
  self->trends_print = kith_plan_print_options_dialog_get_trends (dialog);

  person = dup_person_name (self);
  /* Translators: the suggested file name for the exported plan */
  name = g_strdup_printf (_("Care plan for %s.pdf"), person);
  g_clear_object (&self->pdf_chooser);
  self->pdf_chooser = gtk_file_chooser_native_new (_("Export the Plan as a PDF"),
                                                   get_parent_window (self),
                                                   GTK_FILE_CHOOSER_ACTION_SAVE,
                                                   _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->pdf_chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->pdf_chooser), TRUE);
  g_signal_connect_object (self->pdf_chooser, "response", G_CALLBACK (on_pdf_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->pdf_chooser));
}

static void
plan_export_pdf_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  KithPlanEditor *self = KITH_PLAN_EDITOR (widget);
  AdwMessageDialog *dialog;

  dialog = kith_plan_print_options_dialog_new (get_parent_window (self), TRUE,
                                               kith_care_plan_get_crisis_first (self->plan));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_export_options_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Overrides */

static void
load_plan (KithPlanEditor *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = NULL;

  if (self->store == NULL || self->patient_id == NULL)
    return;

  self->patient = kith_store_load_patient (self->store, self->patient_id, NULL);
  if (self->patient != NULL)
    {
      g_autofree char *name = kith_patient_dup_spoken_name (self->patient);
      /* Translators: the heading of a person's plan */
      g_autofree char *title = g_strdup_printf (_("Care and support plan for %s"), name);

      gtk_label_set_text (self->title_label, title);
    }

  plan = kith_care_plan_load_current (self->store, self->patient_id, &error);
  if (plan == NULL && error != NULL)
    {
      g_warning ("Could not load the care plan: %s", error->message);
      g_clear_error (&error);
    }
  if (plan == NULL && !(plan = kith_care_plan_new_for_patient (self->store, self->patient_id, &error)))
    {
      g_warning ("Could not start a care plan: %s", error->message);
      return;
    }

  load_needs (self);
  set_plan (self, plan);
}

static void
kith_plan_editor_constructed (GObject *object)
{
  KithPlanEditor *self = KITH_PLAN_EDITOR (object);

  G_OBJECT_CLASS (kith_plan_editor_parent_class)->constructed (object);

  load_plan (self);
}

static void
kith_plan_editor_unmap (GtkWidget *widget)
{
  save_quietly (KITH_PLAN_EDITOR (widget));

  GTK_WIDGET_CLASS (kith_plan_editor_parent_class)->unmap (widget);
}

static void
kith_plan_editor_dispose (GObject *object)
{
  KithPlanEditor *self = KITH_PLAN_EDITOR (object);

  save_quietly (self);

  if (self->pdf_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->pdf_chooser));
  g_clear_object (&self->pdf_chooser);
  g_clear_pointer (&self->dynamic_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), KITH_TYPE_PLAN_EDITOR);
  g_clear_object (&self->plan);
  g_clear_object (&self->patient);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (kith_plan_editor_parent_class)->dispose (object);
}

static void
kith_plan_editor_finalize (GObject *object)
{
  KithPlanEditor *self = KITH_PLAN_EDITOR (object);

  g_clear_pointer (&self->needs, g_ptr_array_unref);
  g_free (self->patient_id);
  g_free (self->editor_name);

  G_OBJECT_CLASS (kith_plan_editor_parent_class)->finalize (object);
}

static void
kith_plan_editor_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  KithPlanEditor *self = KITH_PLAN_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_PATIENT_ID:
      g_value_set_string (value, self->patient_id);
      break;

    case PROP_EDITOR_NAME:
      g_value_set_string (value, self->editor_name);
      break;

    case PROP_PLAN:
      g_value_set_object (value, self->plan);
      break;

    case PROP_HAS_CHANGES:
      g_value_set_boolean (value, kith_plan_editor_get_has_changes (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_plan_editor_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  KithPlanEditor *self = KITH_PLAN_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_PATIENT_ID:
      self->patient_id = g_value_dup_string (value);
      break;

    case PROP_EDITOR_NAME:
      self->editor_name = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_plan_editor_class_init (KithPlanEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kith_plan_editor_constructed;
  object_class->dispose = kith_plan_editor_dispose;
  object_class->finalize = kith_plan_editor_finalize;
  object_class->get_property = kith_plan_editor_get_property;
  object_class->set_property = kith_plan_editor_set_property;
  widget_class->unmap = kith_plan_editor_unmap;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         KITH_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PATIENT_ID] =
    g_param_spec_string ("patient-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_EDITOR_NAME] =
    g_param_spec_string ("editor-name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PLAN] =
    g_param_spec_object ("plan", NULL, NULL,
                         KITH_TYPE_CARE_PLAN,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  properties[PROP_HAS_CHANGES] =
    g_param_spec_boolean ("has-changes", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KithPlanEditor::saved:
   *
   * A new version of the plan was saved.
   */
  signals[SAVED] =
    g_signal_new ("saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "plan.save", NULL, plan_save_action);
  gtk_widget_class_install_action (widget_class, "plan.add-goal", NULL, plan_add_goal_action);
  gtk_widget_class_install_action (widget_class, "plan.add-action", NULL, plan_add_action_action);
  gtk_widget_class_install_action (widget_class, "plan.agree", NULL, plan_agree_action);
  gtk_widget_class_install_action (widget_class, "plan.history", NULL, plan_history_action);
  gtk_widget_class_install_action (widget_class, "plan.crunch-point", NULL, plan_crunch_point_action);
  gtk_widget_class_install_action (widget_class, "plan.reload", NULL, plan_reload_action);
  gtk_widget_class_install_action (widget_class, "plan.print", NULL, plan_print_action);
  gtk_widget_class_install_action (widget_class, "plan.export-pdf", NULL, plan_export_pdf_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-plan-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, title_label);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, state_label);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, review_due_label);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, version_label);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, agree_button);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, conflict_revealer);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, conflict_label);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, needs_list);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, sections_list);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, content_scroll);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, sections_box);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, decisions_group);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, about_view);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, matters_view);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, goals_list);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, new_goal_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, actions_list);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, new_action_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, support_list);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, new_support_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, new_support_name_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, new_support_kind_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, new_support_contact_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, warning_view);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, crisis_actions_view);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, contacts_list);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, add_contact_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, crisis_first_switch);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, medicines_view);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, coordinator_name_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, coordinator_phone_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, coordinator_hours_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, team_list);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, new_member_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, new_member_name_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, new_member_role_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, new_member_phone_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, new_member_hours_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, consent_view);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, review_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, review_state_label);
  gtk_widget_class_bind_template_child (widget_class, KithPlanEditor, review_calendar_button);
  gtk_widget_class_bind_template_callback (widget_class, on_needs_list_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_sections_list_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_new_goal_row_entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_new_action_row_entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_new_support_add_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_new_member_add_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_coordinator_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_add_contact_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_crisis_first_switch_notify_active_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_review_row_changed_cb);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
add_section_link (KithPlanEditor *self,
                  const char     *title,
                  GtkWidget      *group,
                  GtkWidget      *focus)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  g_object_set_data (G_OBJECT (row), "kith-group", group);
  g_object_set_data (G_OBJECT (row), "kith-focus", focus);
  gtk_list_box_append (self->sections_list, row);
}

static void
add_shortcut (GtkShortcutController *controller,
              guint                  keyval,
              GdkModifierType        modifiers,
              const char            *action_name)
{
  gtk_shortcut_controller_add_shortcut (controller,
                                        gtk_shortcut_new (gtk_keyval_trigger_new (keyval, modifiers),
                                                          gtk_named_action_new (action_name)));
}

/* The plan's shortcuts win over those of the text being typed (GtkText
 * has Ctrl+Shift+A for "select none"), so they are caught on the way in. */
static void
add_shortcuts (KithPlanEditor *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  GtkShortcutController *shortcuts = GTK_SHORTCUT_CONTROLLER (controller);

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  add_shortcut (shortcuts, GDK_KEY_s, GDK_CONTROL_MASK, "plan.save");
  add_shortcut (shortcuts, GDK_KEY_g, GDK_CONTROL_MASK, "plan.add-goal");
  add_shortcut (shortcuts, GDK_KEY_a, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "plan.add-action");
  add_shortcut (shortcuts, GDK_KEY_h, GDK_CONTROL_MASK, "plan.history");
  add_shortcut (shortcuts, GDK_KEY_p, GDK_CONTROL_MASK, "plan.print");
  add_shortcut (shortcuts, GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "plan.export-pdf");
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
watch_text_view (KithPlanEditor *self,
                 GtkTextView    *view,
                 TextSection     section)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);

  g_object_set_data (G_OBJECT (buffer), "kith-section", GINT_TO_POINTER (section));
  g_signal_connect_object (buffer, "changed", G_CALLBACK (on_text_buffer_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
kith_plan_editor_init (KithPlanEditor *self)
{
  static gboolean css_loaded;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->needs = g_ptr_array_new_with_free_func ((GDestroyNotify) plan_need_free);
  self->dynamic_rows = g_ptr_array_new_with_free_func (g_object_unref);

  if (!css_loaded && gdk_display_get_default () != NULL)
    {
      g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

      gtk_css_provider_load_from_data (provider, editor_css, -1);
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      css_loaded = TRUE;
    }

  add_shortcuts (self);
  watch_text_view (self, self->about_view, TEXT_ABOUT_ME);
  watch_text_view (self, self->matters_view, TEXT_WHAT_MATTERS);
  watch_text_view (self, self->medicines_view, TEXT_MEDICINES);
  watch_text_view (self, self->consent_view, TEXT_CONSENT);
  watch_text_view (self, self->warning_view, TEXT_WARNING_SIGNS);
  watch_text_view (self, self->crisis_actions_view, TEXT_CRISIS_ACTIONS);

  self->review_calendar = add_calendar_button (self->review_row, self->review_calendar_button);

  add_section_link (self, _("Shared decisions"), GTK_WIDGET (self->decisions_group), NULL);
  add_section_link (self, _("About me"), gtk_widget_get_ancestor (GTK_WIDGET (self->about_view),
                                                                   ADW_TYPE_PREFERENCES_GROUP),
                    GTK_WIDGET (self->about_view));
  add_section_link (self, _("What matters to me"),
                    gtk_widget_get_ancestor (GTK_WIDGET (self->matters_view), ADW_TYPE_PREFERENCES_GROUP),
                    GTK_WIDGET (self->matters_view));
  add_section_link (self, _("My goals"),
                    gtk_widget_get_ancestor (GTK_WIDGET (self->goals_list), ADW_TYPE_PREFERENCES_GROUP),
                    GTK_WIDGET (self->new_goal_row));
  add_section_link (self, _("Actions"),
                    gtk_widget_get_ancestor (GTK_WIDGET (self->actions_list), ADW_TYPE_PREFERENCES_GROUP),
                    GTK_WIDGET (self->new_action_row));
  add_section_link (self, _("Support and services"),
                    gtk_widget_get_ancestor (GTK_WIDGET (self->support_list), ADW_TYPE_PREFERENCES_GROUP),
                    NULL);
  add_section_link (self, _("Crisis and contingency plan"),
                    gtk_widget_get_ancestor (GTK_WIDGET (self->warning_view), ADW_TYPE_PREFERENCES_GROUP),
                    GTK_WIDGET (self->warning_view));
  add_section_link (self, _("Medicines review"),
                    gtk_widget_get_ancestor (GTK_WIDGET (self->medicines_view), ADW_TYPE_PREFERENCES_GROUP),
                    GTK_WIDGET (self->medicines_view));
  add_section_link (self, _("Care team and co-ordinator"),
                    gtk_widget_get_ancestor (GTK_WIDGET (self->team_list), ADW_TYPE_PREFERENCES_GROUP),
                    GTK_WIDGET (self->coordinator_name_row));
  add_section_link (self, _("Consent to share"),
                    gtk_widget_get_ancestor (GTK_WIDGET (self->consent_view), ADW_TYPE_PREFERENCES_GROUP),
                    GTK_WIDGET (self->consent_view));
  add_section_link (self, _("Review"),
                    gtk_widget_get_ancestor (GTK_WIDGET (self->review_row), ADW_TYPE_PREFERENCES_GROUP),
                    GTK_WIDGET (self->review_row));
}

/* Public API */

KithPlanEditor *
kith_plan_editor_new (KithStore  *store,
                      const char *patient_id,
                      const char *editor_name)
{
  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  return g_object_new (KITH_TYPE_PLAN_EDITOR,
                       "store", store,
                       "patient-id", patient_id,
                       "editor-name", editor_name,
                       NULL);
}

KithCarePlan *
kith_plan_editor_get_plan (KithPlanEditor *self)
{
  g_return_val_if_fail (KITH_IS_PLAN_EDITOR (self), NULL);

  return self->plan;
}

gboolean
kith_plan_editor_get_has_changes (KithPlanEditor *self)
{
  g_return_val_if_fail (KITH_IS_PLAN_EDITOR (self), FALSE);

  return self->plan != NULL && kith_care_plan_has_changes (self->plan);
}

gboolean
kith_plan_editor_save (KithPlanEditor  *self,
                       GError         **error)
{
  g_return_val_if_fail (KITH_IS_PLAN_EDITOR (self), FALSE);

  if (self->plan == NULL)
    {
      g_set_error_literal (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_NOT_FOUND,
                           _("There is no plan to save"));
      return FALSE;
    }
  if (!kith_care_plan_has_changes (self->plan))
    return TRUE;

  /* Half-typed contacts are in the plan already; write them once more so
   * the saved list is exactly what is on screen. */
  if (!self->filling && gtk_widget_get_first_child (GTK_WIDGET (self->contacts_list)) != NULL)
    write_contacts (self);

  if (!kith_care_plan_save (self->plan, self->store, self->editor_name, error))
    return FALSE;

  gtk_revealer_set_reveal_child (self->conflict_revealer, FALSE);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    update_header (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_CHANGES]);
  g_signal_emit (self, signals[SAVED], 0);
  return TRUE;
}

gboolean
kith_plan_editor_export_pdf (KithPlanEditor  *self,
                             const char      *path,
                             gboolean         large_print,
                             gboolean         crisis_first,
                             GError         **error)
{
  KithPlanDocumentOptions options = { 0 };
  g_autoptr(GPtrArray) trends = NULL;

  g_return_val_if_fail (KITH_IS_PLAN_EDITOR (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  options.large_print = large_print;
  options.crisis_first = crisis_first;
  if (self->trends_print)
    {
      if (!(trends = list_trends (self, error)))
        return FALSE;
      options.include_trends = TRUE;
      options.trends = trends;
    }
  if (!kith_plan_document_export_pdf (self->plan, self->patient, &options, path, error))
    return FALSE;
  /* The person's audit on the server says their plan was printed. */
  if (self->store != NULL && self->patient_id != NULL)
    {
      g_autoptr(GError) report_error = NULL;

      if (!kith_sync_queue_access_report (self->store, self->patient_id, "print", &report_error))
        g_warning ("The print could not be noted for the audit: %s", report_error->message);
    }
  return TRUE;
}

/* For the GUI tests */

GtkListBox *
kith_plan_editor_get_needs_list (KithPlanEditor *self)
{
  return self->needs_list;
}

GtkListBox *
kith_plan_editor_get_goals_list (KithPlanEditor *self)
{
  return self->goals_list;
}

GtkListBox *
kith_plan_editor_get_actions_list (KithPlanEditor *self)
{
  return self->actions_list;
}

AdwEntryRow *
kith_plan_editor_get_new_goal_row (KithPlanEditor *self)
{
  return self->new_goal_row;
}

AdwEntryRow *
kith_plan_editor_get_new_action_row (KithPlanEditor *self)
{
  return self->new_action_row;
}

AdwEntryRow *
kith_plan_editor_get_coordinator_row (KithPlanEditor *self,
                                      const char     *field)
{
  if (g_strcmp0 (field, "phone") == 0)
    return self->coordinator_phone_row;
  if (g_strcmp0 (field, "hours") == 0)
    return self->coordinator_hours_row;
  return self->coordinator_name_row;
}

GtkWidget *
kith_plan_editor_get_add_contact_row (KithPlanEditor *self)
{
  return self->add_contact_row;
}

GtkListBox *
kith_plan_editor_get_contacts_list (KithPlanEditor *self)
{
  return self->contacts_list;
}

GtkTextView *
kith_plan_editor_get_crisis_actions_view (KithPlanEditor *self)
{
  return self->crisis_actions_view;
}

GtkTextView *
kith_plan_editor_get_what_matters_view (KithPlanEditor *self)
{
  return self->matters_view;
}
