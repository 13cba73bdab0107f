/* kith-plan-decision-dialog.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One shared decision, talked through with the person: the options for
 * their need with what could help, what to weigh up and what each
 * involves; what matters most to them; their preference and how sure they
 * feel; who took part; the agreed choice; and, once agreed, collaboRATE.
 * The "Ask 3 Questions" prompts stay in view for the whole talk.
 */

#define G_LOG_DOMAIN "kith-plan-decision-dialog"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "kith-plan-decision-dialog.h"
#include "kith-plan-editor-private.h"

#define N_COLLABORATE_ITEMS 3
#define N_COLLABORATE_SCORES 5

struct _KithPlanDecisionDialog
{
  AdwWindow            parent_instance;

  KithCarePlan        *plan;
  char                *need_id;
  char                *need_title;
  char                *person_name;
  char                *decided;      /* when an unchanged agreed choice was first made */
  char                *first_agreed;
  GPtrArray           *option_ids;   /* char*: the options talked about, in order */
  GtkToggleButton     *scores[N_COLLABORATE_ITEMS][N_COLLABORATE_SCORES];

  /* Template widgets */
  AdwWindowTitle      *window_title;
  GtkWidget           *record_button;
  GtkRevealer         *error_revealer;
  GtkLabel            *error_label;
  GtkLabel            *need_label;
  AdwPreferencesGroup *options_group;
  GtkTextView         *what_matters_view;
  AdwComboRow         *preferred_row;
  AdwComboRow         *certainty_row;
  AdwComboRow         *agreed_row;
  AdwActionRow        *person_row;
  GtkCheckButton      *person_check;
  AdwEntryRow         *carer_row;
  GtkCheckButton      *carer_check;
  AdwEntryRow         *professionals_row;
  GtkCheckButton      *professionals_check;
  AdwPreferencesGroup *collaborate_group;
  GtkListBox          *collaborate_list;
};

G_DEFINE_FINAL_TYPE (KithPlanDecisionDialog, kith_plan_decision_dialog, ADW_TYPE_WINDOW)

enum {
  DECIDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *certainty_codes[] = { NULL, "sure", "fairly-sure", "unsure" };

/* Kith's own plain wording of the three collaboRATE items. */
static const char *collaborate_items[N_COLLABORATE_ITEMS] = {
  N_("How much effort was made to help you understand your health and care?"),
  N_("How much effort was made to listen to the things that matter most to you?"),
  N_("How much effort was made to include what matters most to you in choosing what to do next?"),
};

/* Helpers */

static const char *
suffix_free (const char *participant,
             const char *suffix,
             char      **stripped)
{
  if (g_str_has_suffix (participant, suffix))
    {
      *stripped = g_strndup (participant, strlen (participant) - strlen (suffix));
      return *stripped;
    }
  return NULL;
}

static GtkWidget *
make_text_row (const char *title,
               const char *text)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *heading = gtk_label_new (title);
  GtkWidget *body = gtk_label_new (text != NULL ? text : _("Not written yet"));

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_label_set_xalign (GTK_LABEL (body), 0);
  gtk_label_set_wrap (GTK_LABEL (body), TRUE);
  gtk_label_set_selectable (GTK_LABEL (body), FALSE);
  gtk_box_append (GTK_BOX (box), heading);
  gtk_box_append (GTK_BOX (box), body);
  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  return row;
}

static void
add_option_row (KithPlanDecisionDialog *self,
                const KithOption       *option)
{
  AdwExpanderRow *row = ADW_EXPANDER_ROW (adw_expander_row_new ());

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), option->title);
  adw_expander_row_set_subtitle (row, option->summary != NULL ? option->summary : "");
  adw_expander_row_add_row (row, make_text_row (_("What could help"), option->benefits));
  adw_expander_row_add_row (row, make_text_row (_("What to weigh up"), option->risks));
  adw_expander_row_add_row (row, make_text_row (_("What it involves"), option->practicalities));
  adw_preferences_group_add (self->options_group, GTK_WIDGET (row));
}

static void
fill_option_models (KithPlanDecisionDialog *self,
                    const char             *none_preferred,
                    const char             *none_agreed)
{
  g_autoptr(GtkStringList) preferred = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) agreed = gtk_string_list_new (NULL);
  KithOptionLibrary *library = kith_option_library_get_default ();

  gtk_string_list_append (preferred, none_preferred);
  gtk_string_list_append (agreed, none_agreed);
  for (guint i = 0; i < self->option_ids->len; i++)
    {
      const KithOption *option = kith_option_library_lookup (library, self->option_ids->pdata[i]);
      const char *title = option != NULL ? option->title : self->option_ids->pdata[i];

      gtk_string_list_append (preferred, title);
      gtk_string_list_append (agreed, title);
    }
  adw_combo_row_set_model (self->preferred_row, G_LIST_MODEL (preferred));
  adw_combo_row_set_model (self->agreed_row, G_LIST_MODEL (agreed));
}

/* Position in the option combo rows (0: none) of @option_id */
static guint
option_position (KithPlanDecisionDialog *self,
                 const char             *option_id)
{
  for (guint i = 0; option_id != NULL && i < self->option_ids->len; i++)
    if (g_strcmp0 (self->option_ids->pdata[i], option_id) == 0)
      return i + 1;
  return 0;
}

static const char *
option_at (KithPlanDecisionDialog *self,
           guint                   position)
{
  if (position == 0 || position == GTK_INVALID_LIST_POSITION || position > self->option_ids->len)
    return NULL;
  return self->option_ids->pdata[position - 1];
}

static void
add_collaborate_item (KithPlanDecisionDialog *self,
                      guint                   item)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *question = gtk_label_new (_(collaborate_items[item]));
  GtkWidget *scale = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *low = gtk_label_new (_("0: no effort was made"));
  GtkWidget *high = gtk_label_new (_("4: every effort was made"));

  gtk_label_set_xalign (GTK_LABEL (question), 0);
  gtk_label_set_wrap (GTK_LABEL (question), TRUE);
  gtk_widget_add_css_class (question, "heading");
  gtk_widget_add_css_class (buttons, "linked");
  gtk_widget_add_css_class (low, "dim-label");
  gtk_widget_add_css_class (high, "dim-label");
  gtk_widget_set_valign (low, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (high, GTK_ALIGN_CENTER);

  for (guint score = 0; score < N_COLLABORATE_SCORES; score++)
    {
      g_autofree char *text = g_strdup_printf ("%u", score);
      g_autofree char *described = NULL;
      GtkWidget *button = gtk_toggle_button_new_with_label (text);

      if (score == 0)
        described = g_strdup (_("0: no effort was made"));
      else if (score == N_COLLABORATE_SCORES - 1)
        described = g_strdup (_("4: every effort was made"));
      else
        described = g_strdup (text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, described,
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _(collaborate_items[item]),
                                      -1);
      gtk_widget_set_size_request (button, 48, -1);
      if (score > 0)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), self->scores[item][0]);
      gtk_box_append (GTK_BOX (buttons), button);
      self->scores[item][score] = GTK_TOGGLE_BUTTON (button);
    }

  gtk_box_append (GTK_BOX (scale), low);
  gtk_box_append (GTK_BOX (scale), buttons);
  gtk_box_append (GTK_BOX (scale), high);
  gtk_box_append (GTK_BOX (box), question);
  gtk_box_append (GTK_BOX (box), scale);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  gtk_list_box_append (self->collaborate_list, row);
}

static int
collaborate_score (KithPlanDecisionDialog *self,
                   guint                   item)
{
  for (guint score = 0; score < N_COLLABORATE_SCORES; score++)
    if (gtk_toggle_button_get_active (self->scores[item][score]))
      return score;
  return -1;
}

static void
update_collaborate_sensitivity (KithPlanDecisionDialog *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->collaborate_group),
                            option_at (self, adw_combo_row_get_selected (self->agreed_row)) != NULL);
}

static void
fill_from_decision (KithPlanDecisionDialog *self,
                    const KithDecision     *decision)
{
  g_autoptr(GString) professionals = g_string_new (NULL);
  gboolean person = FALSE;

  if (decision == NULL)
    return;

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->what_matters_view),
                            decision->what_matters != NULL ? decision->what_matters : "", -1);
  adw_combo_row_set_selected (self->preferred_row, option_position (self, decision->preferred));
  adw_combo_row_set_selected (self->agreed_row, option_position (self, decision->agreed));
  for (guint i = 0; i < G_N_ELEMENTS (certainty_codes); i++)
    if (certainty_codes[i] != NULL && g_strcmp0 (decision->certainty, certainty_codes[i]) == 0)
      adw_combo_row_set_selected (self->certainty_row, i);

  for (guint i = 0; decision->participants != NULL && decision->participants[i] != NULL; i++)
    {
      const char *participant = decision->participants[i];
      g_autofree char *name = NULL;

      if (suffix_free (participant, _(" (the person)"), &name) != NULL)
        person = TRUE;
      else if (suffix_free (participant, _(" (carer)"), &name) != NULL)
        {
          gtk_editable_set_text (GTK_EDITABLE (self->carer_row), name);
          gtk_check_button_set_active (self->carer_check, TRUE);
        }
      else
        g_string_append_printf (professionals, "%s%s", professionals->len ? ", " : "", participant);
    }
  gtk_check_button_set_active (self->person_check, person);
  gtk_editable_set_text (GTK_EDITABLE (self->professionals_row), professionals->str);
  gtk_check_button_set_active (self->professionals_check, professionals->len > 0);

  for (guint item = 0; item < N_COLLABORATE_ITEMS; item++)
    if (decision->collaborate[item] >= 0 && decision->collaborate[item] < N_COLLABORATE_SCORES)
      gtk_toggle_button_set_active (self->scores[item][decision->collaborate[item]], TRUE);

  self->decided = g_strdup (decision->decided);
  self->first_agreed = g_strdup (decision->agreed);
}

static void
show_error (KithPlanDecisionDialog *self,
            const char             *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

/* Callbacks */

static void
on_agreed_row_notify_selected_cb (KithPlanDecisionDialog *self)
{
  update_collaborate_sensitivity (self);
}

static void
on_carer_row_changed_cb (KithPlanDecisionDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->carer_row));

  if (text != NULL && *text != '\0')
    gtk_check_button_set_active (self->carer_check, TRUE);
}

static void
on_record_button_clicked_cb (KithPlanDecisionDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) participants = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) options = g_strv_builder_new ();
  g_auto(GStrv) participant_list = NULL;
  g_auto(GStrv) option_list = NULL;
  g_autofree char *what_matters = NULL;
  g_autofree char *carer_name = NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->what_matters_view);
  GtkTextIter start, end;
  KithDecision decision = { 0 };
  guint certainty;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  what_matters = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  if (gtk_check_button_get_active (self->person_check))
    {
      g_autofree char *person = g_strdup_printf ("%s%s", self->person_name, _(" (the person)"));
      g_strv_builder_add (participants, person);
    }
  if (gtk_check_button_get_active (self->carer_check))
    {
      g_autofree char *carer = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->carer_row))));

      if (*carer == '\0')
        {
          gtk_widget_add_css_class (GTK_WIDGET (self->carer_row), "error");
          gtk_widget_grab_focus (GTK_WIDGET (self->carer_row));
          show_error (self, _("Give the carer’s name, or untick the carer"));
          return;
        }
      gtk_widget_remove_css_class (GTK_WIDGET (self->carer_row), "error");
      g_free (carer_name);
      carer_name = g_strdup_printf ("%s%s", carer, _(" (carer)"));
      g_strv_builder_add (participants, carer_name);
    }
  if (gtk_check_button_get_active (self->professionals_check))
    {
      g_auto(GStrv) names = g_strsplit (gtk_editable_get_text (GTK_EDITABLE (self->professionals_row)), ",", -1);

      for (guint i = 0; names[i] != NULL; i++)
        {
          g_strstrip (names[i]);
          if (*names[i] != '\0')
            g_strv_builder_add (participants, names[i]);
        }
    }

  for (guint i = 0; i < self->option_ids->len; i++)
    g_strv_builder_add (options, self->option_ids->pdata[i]);

  participant_list = g_strv_builder_end (participants);
  option_list = g_strv_builder_end (options);
  certainty = adw_combo_row_get_selected (self->certainty_row);

  decision.need_id = self->need_id;
  decision.need_title = self->need_title;
  decision.options = option_list;
  decision.what_matters = g_strstrip (what_matters);
  if (*decision.what_matters == '\0')
    decision.what_matters = NULL;
  decision.preferred = (char *) option_at (self, adw_combo_row_get_selected (self->preferred_row));
  decision.certainty = certainty < G_N_ELEMENTS (certainty_codes) ? (char *) certainty_codes[certainty] : NULL;
  decision.participants = participant_list;
  decision.agreed = (char *) option_at (self, adw_combo_row_get_selected (self->agreed_row));
  /* The date a choice was agreed stays with that choice. */
  decision.decided = decision.agreed != NULL && g_strcmp0 (decision.agreed, self->first_agreed) == 0
                     ? self->decided : NULL;
  for (guint item = 0; item < N_COLLABORATE_ITEMS; item++)
    decision.collaborate[item] = decision.agreed != NULL ? collaborate_score (self, item) : -1;

  if (!kith_care_plan_set_decision (self->plan, &decision, &error))
    {
      show_error (self, error->message);
      return;
    }

  g_signal_emit (self, signals[DECIDED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* Overrides */

static void
kith_plan_decision_dialog_dispose (GObject *object)
{
  KithPlanDecisionDialog *self = KITH_PLAN_DECISION_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KITH_TYPE_PLAN_DECISION_DIALOG);
  g_clear_object (&self->plan);

  G_OBJECT_CLASS (kith_plan_decision_dialog_parent_class)->dispose (object);
}

static void
kith_plan_decision_dialog_finalize (GObject *object)
{
  KithPlanDecisionDialog *self = KITH_PLAN_DECISION_DIALOG (object);

  g_free (self->need_id);
  g_free (self->need_title);
  g_free (self->person_name);
  g_free (self->decided);
  g_free (self->first_agreed);
  g_clear_pointer (&self->option_ids, g_ptr_array_unref);

  G_OBJECT_CLASS (kith_plan_decision_dialog_parent_class)->finalize (object);
}

static void
kith_plan_decision_dialog_class_init (KithPlanDecisionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_plan_decision_dialog_dispose;
  object_class->finalize = kith_plan_decision_dialog_finalize;

  /**
   * KithPlanDecisionDialog::decided:
   *
   * The decision was recorded on the plan (not yet saved).
   */
  signals[DECIDED] =
    g_signal_new ("decided",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/care/kith/Kith/kith-plan-decision-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KithPlanDecisionDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, KithPlanDecisionDialog, record_button);
  gtk_widget_class_bind_template_child (widget_class, KithPlanDecisionDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, KithPlanDecisionDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, KithPlanDecisionDialog, need_label);
  gtk_widget_class_bind_template_child (widget_class, KithPlanDecisionDialog, options_group);
  gtk_widget_class_bind_template_child (widget_class, KithPlanDecisionDialog, what_matters_view);
  gtk_widget_class_bind_template_child (widget_class, KithPlanDecisionDialog, preferred_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanDecisionDialog, certainty_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanDecisionDialog, agreed_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanDecisionDialog, person_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanDecisionDialog, person_check);
  gtk_widget_class_bind_template_child (widget_class, KithPlanDecisionDialog, carer_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanDecisionDialog, carer_check);
  gtk_widget_class_bind_template_child (widget_class, KithPlanDecisionDialog, professionals_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanDecisionDialog, professionals_check);
  gtk_widget_class_bind_template_child (widget_class, KithPlanDecisionDialog, collaborate_group);
  gtk_widget_class_bind_template_child (widget_class, KithPlanDecisionDialog, collaborate_list);
  gtk_widget_class_bind_template_callback (widget_class, on_record_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_agreed_row_notify_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_carer_row_changed_cb);
}

static void
kith_plan_decision_dialog_init (KithPlanDecisionDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->option_ids = g_ptr_array_new_with_free_func (g_free);
  for (guint item = 0; item < N_COLLABORATE_ITEMS; item++)
    add_collaborate_item (self, item);
}

/* Public API */

KithPlanDecisionDialog *
kith_plan_decision_dialog_new (KithCarePlan *plan,
                               const char   *need_id,
                               const char   *need_rule_id,
                               const char   *need_title,
                               const char   *person_name,
                               const char   *editor_name)
{
  KithPlanDecisionDialog *self;
  KithOptionLibrary *library = kith_option_library_get_default ();
  g_autoptr(GPtrArray) offered = NULL;
  g_autoptr(GPtrArray) decisions = NULL;
  KithDecision *existing = NULL;
  g_autofree char *about = NULL;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (plan), NULL);
  g_return_val_if_fail (need_id != NULL, NULL);

  self = g_object_new (KITH_TYPE_PLAN_DECISION_DIALOG, NULL);
  self->plan = g_object_ref (plan);
  self->need_id = g_strdup (need_id);
  self->need_title = g_strdup (need_title);
  self->person_name = g_strdup (person_name != NULL ? person_name : _("The person"));

  adw_window_title_set_subtitle (self->window_title, need_title != NULL ? need_title : "");
  /* Translators: the need a shared decision is about */
  about = g_strdup_printf (_("About: %s"), need_title != NULL ? need_title : need_id);
  gtk_label_set_text (self->need_label, about);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->person_row), self->person_name);
  gtk_editable_set_text (GTK_EDITABLE (self->professionals_row), editor_name != NULL ? editor_name : "");

  decisions = kith_care_plan_list_decisions (plan);
  for (guint i = 0; i < decisions->len; i++)
    {
      KithDecision *decision = decisions->pdata[i];

      if (g_strcmp0 (decision->need_id, need_id) == 0 ||
          (need_rule_id != NULL && g_strcmp0 (decision->need_id, need_rule_id) == 0))
        existing = decision;
    }

  /* The options from the library, then any talked about before that the
   * library no longer has. */
  offered = need_rule_id != NULL ? kith_option_library_for_need (library, need_rule_id)
                                 : g_ptr_array_new ();
  for (guint i = 0; i < offered->len; i++)
    {
      const KithOption *option = offered->pdata[i];

      g_ptr_array_add (self->option_ids, g_strdup (option->id));
      add_option_row (self, option);
    }
  for (guint i = 0; existing != NULL && existing->options != NULL && existing->options[i] != NULL; i++)
    if (option_position (self, existing->options[i]) == 0)
      {
        const KithOption *option = kith_option_library_lookup (library, existing->options[i]);

        g_ptr_array_add (self->option_ids, g_strdup (existing->options[i]));
        if (option != NULL)
          add_option_row (self, option);
      }
  if (self->option_ids->len == 0)
    adw_preferences_group_set_description (self->options_group,
                                           _("The option library has no options for this need. "
                                             "Write what was talked about in “What matters most to you”, "
                                             "or ask the practice to add options to its library."));

  fill_option_models (self, _("None yet"), _("Not decided yet"));
  fill_from_decision (self, existing);
  update_collaborate_sensitivity (self);

  return self;
}

/* For the GUI tests */

GtkTextView *
kith_plan_decision_dialog_get_what_matters_view (KithPlanDecisionDialog *self)
{
  return self->what_matters_view;
}

AdwComboRow *
kith_plan_decision_dialog_get_choice_row (KithPlanDecisionDialog *self,
                                          const char             *which)
{
  if (g_strcmp0 (which, "preferred") == 0)
    return self->preferred_row;
  if (g_strcmp0 (which, "certainty") == 0)
    return self->certainty_row;
  return self->agreed_row;
}

AdwEntryRow *
kith_plan_decision_dialog_get_carer_row (KithPlanDecisionDialog *self)
{
  return self->carer_row;
}

GtkToggleButton *
kith_plan_decision_dialog_get_score_button (KithPlanDecisionDialog *self,
                                            guint                   item,
                                            guint                   score)
{
  g_return_val_if_fail (item < N_COLLABORATE_ITEMS && score < N_COLLABORATE_SCORES, NULL);
  return self->scores[item][score];
}

GtkWidget *
kith_plan_decision_dialog_get_options_group (KithPlanDecisionDialog *self)
{
  return GTK_WIDGET (self->options_group);
}

GtkWidget *
kith_plan_decision_dialog_get_record_button (KithPlanDecisionDialog *self)
{
  return self->record_button;
}
