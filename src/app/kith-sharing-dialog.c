/* kith-sharing-dialog.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Decide who to share my records with": made on the shared screen with
 * the person. Kith's usual rule (their care team, with the sensitive
 * parts for their GP and named co-ordinator) is the starting point; the
 * person adds choices that allow or withhold parts of the record for a
 * role, a team or both, and what they said is kept in their words.
 */

#define G_LOG_DOMAIN "kith-sharing-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-sharing-dialog.h"

struct _KithSharingDialog
{
  AdwWindow            parent_instance;

  KithStore           *store;
  char                *patient_id;
  char                *my_name;
  KithConsent         *consent;     /* as being edited */
  GPtrArray           *rule_rows;

  /* Template widgets */
  AdwWindowTitle      *window_title;
  GtkRevealer         *error_revealer;
  GtkLabel            *error_label;
  GtkLabel            *intro_label;
  GtkSwitch           *share_switch;
  AdwPreferencesGroup *rules_group;
  AdwComboRow         *permit_row;
  AdwComboRow         *role_row;
  AdwEntryRow         *team_row;
  GtkCheckButton      *general_check;
  GtkCheckButton      *mental_health_check;
  GtkCheckButton      *safeguarding_check;
  GtkCheckButton      *carer_check;
  AdwEntryRow         *words_row;
};

G_DEFINE_FINAL_TYPE (KithSharingDialog, kith_sharing_dialog, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Helpers */

static void
show_error (KithSharingDialog *self,
            const char        *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

static GtkCheckButton *
section_check (KithSharingDialog *self,
               KithRecordSection  section)
{
  switch (section)
    {
    case KITH_RECORD_SECTION_GENERAL:
      return self->general_check;
    case KITH_RECORD_SECTION_MENTAL_HEALTH:
      return self->mental_health_check;
    case KITH_RECORD_SECTION_SAFEGUARDING:
      return self->safeguarding_check;
    case KITH_RECORD_SECTION_CARER_ASSESSMENT:
      return self->carer_check;
    case KITH_RECORD_SECTION_DEMOGRAPHICS:
    case KITH_N_RECORD_SECTIONS:
    default:
      return NULL;
    }
}

static void on_remove_clicked_cb (GtkButton *button, KithSharingDialog *self);

static void
show_rules (KithSharingDialog *self)
{
  for (guint i = 0; i < self->rule_rows->len; i++)
    adw_preferences_group_remove (self->rules_group, self->rule_rows->pdata[i]);
  g_ptr_array_set_size (self->rule_rows, 0);

  if (self->consent->rules->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No choices yet: Kith’s usual rule applies"));
      g_ptr_array_add (self->rule_rows, row);
      adw_preferences_group_add (self->rules_group, row);
      return;
    }
  for (guint i = 0; i < self->consent->rules->len; i++)
    {
      const KithConsentRule *rule = self->consent->rules->pdata[i];
      g_autofree char *text = kith_sharing_describe_rule (rule);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Remove This Choice"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Remove This Choice"), -1);
      g_object_set_data (G_OBJECT (remove), "rule-index", GUINT_TO_POINTER (i));
      g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      g_ptr_array_add (self->rule_rows, row);
      adw_preferences_group_add (self->rules_group, row);
    }
}

/* Callbacks */

static void
on_remove_clicked_cb (GtkButton         *button,
                      KithSharingDialog *self)
{
  kith_sharing_dialog_remove_rule (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "rule-index")));
}

static void
sharing_add_rule_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  kith_sharing_dialog_add_rule (KITH_SHARING_DIALOG (widget));
}

static void
sharing_save_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  KithSharingDialog *self = KITH_SHARING_DIALOG (widget);

  if (kith_sharing_dialog_save (self, NULL))
    gtk_window_destroy (GTK_WINDOW (self));
}

/* Overrides */

static void
kith_sharing_dialog_finalize (GObject *object)
{
  KithSharingDialog *self = KITH_SHARING_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->patient_id, g_free);
  g_clear_pointer (&self->my_name, g_free);
  g_clear_pointer (&self->consent, kith_consent_free);
  g_clear_pointer (&self->rule_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (kith_sharing_dialog_parent_class)->finalize (object);
}

static void
kith_sharing_dialog_class_init (KithSharingDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = kith_sharing_dialog_finalize;

  /**
   * KithSharingDialog::saved:
   *
   * The person's choices are recorded.
   */
  signals[SAVED] = g_signal_new ("saved",
                                 G_TYPE_FROM_CLASS (klass),
                                 G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-sharing-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KithSharingDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, KithSharingDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, KithSharingDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, KithSharingDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, KithSharingDialog, share_switch);
  gtk_widget_class_bind_template_child (widget_class, KithSharingDialog, rules_group);
  gtk_widget_class_bind_template_child (widget_class, KithSharingDialog, permit_row);
  gtk_widget_class_bind_template_child (widget_class, KithSharingDialog, role_row);
  gtk_widget_class_bind_template_child (widget_class, KithSharingDialog, team_row);
  gtk_widget_class_bind_template_child (widget_class, KithSharingDialog, general_check);
  gtk_widget_class_bind_template_child (widget_class, KithSharingDialog, mental_health_check);
  gtk_widget_class_bind_template_child (widget_class, KithSharingDialog, safeguarding_check);
  gtk_widget_class_bind_template_child (widget_class, KithSharingDialog, carer_check);
  gtk_widget_class_bind_template_child (widget_class, KithSharingDialog, words_row);

  gtk_widget_class_install_action (widget_class, "sharing.add-rule", NULL, sharing_add_rule_action);
  gtk_widget_class_install_action (widget_class, "sharing.save", NULL, sharing_save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kith_sharing_dialog_init (KithSharingDialog *self)
{
  g_autoptr(GtkStringList) roles = gtk_string_list_new (NULL);
  const char * const *codes = kith_sharing_roles ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->rule_rows = g_ptr_array_new ();

  gtk_string_list_append (roles, _("Any role"));
  for (guint i = 0; codes[i]; i += 2)
    gtk_string_list_append (roles, kith_sharing_role_label (codes[i]));
  adw_combo_row_set_model (self->role_row, G_LIST_MODEL (roles));
}

/* Public API */

GtkWidget *
kith_sharing_dialog_new (GtkWindow  *parent,
                         KithStore  *store,
                         const char *patient_id,
                         const char *my_name)
{
  KithSharingDialog *self;
  g_autoptr(KithPatient) patient = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *intro = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  self = g_object_new (KITH_TYPE_SHARING_DIALOG,
                       "transient-for", parent,
                       "destroy-with-parent", TRUE,
                       NULL);
  self->store = g_object_ref (store);
  self->patient_id = g_strdup (patient_id);
  self->my_name = g_strdup (my_name);

  if (!(self->consent = kith_sharing_load (store, patient_id, &error)))
    {
      if (error != NULL)
        show_error (self, error->message);
      self->consent = kith_consent_new (patient_id);
    }
  gtk_switch_set_active (self->share_switch, self->consent->share_by_default);
  if (self->consent->own_words)
    gtk_editable_set_text (GTK_EDITABLE (self->words_row), self->consent->own_words);
  show_rules (self);

  if ((patient = kith_store_load_patient (store, patient_id, NULL)) != NULL)
    name = kith_patient_dup_spoken_name (patient);
  if (name)
    adw_window_title_set_subtitle (self->window_title, name);
  intro = g_strdup_printf (_("Who may see %s’s record. Anyone signed in can find their name and details. "
                             "Their care team sees the rest, and the mental health detail, safeguarding "
                             "and the carer’s own assessment are for their GP and named co-ordinator "
                             "only, unless they choose otherwise here. Anyone who is refused sees "
                             "“withheld at the person’s request”."),
                           name ? name : _("the person"));
  gtk_label_set_text (self->intro_label, intro);
  return GTK_WIDGET (self);
}

void
kith_sharing_dialog_set_new_rule (KithSharingDialog *self,
                                  gboolean           permit,
                                  const char        *role,
                                  const char        *team,
                                  guint              sections)
{
  const char * const *codes = kith_sharing_roles ();
  guint role_index = 0;

  g_return_if_fail (KITH_IS_SHARING_DIALOG (self));

  for (guint i = 0; role && codes[i]; i += 2)
    if (g_str_equal (codes[i], role))
      role_index = i / 2 + 1;
  adw_combo_row_set_selected (self->permit_row, permit ? 1 : 0);
  adw_combo_row_set_selected (self->role_row, role_index);
  gtk_editable_set_text (GTK_EDITABLE (self->team_row), team ? team : "");
  for (guint s = 0; s < KITH_N_RECORD_SECTIONS; s++)
    if (section_check (self, s))
      gtk_check_button_set_active (section_check (self, s), (sections & KITH_RECORD_SECTION_BIT (s)) != 0);
}

void
kith_sharing_dialog_add_rule (KithSharingDialog *self)
{
  const char * const *codes = kith_sharing_roles ();
  guint role_index;
  g_autofree char *team = NULL;
  const char *role = NULL;
  guint sections = 0;

  g_return_if_fail (KITH_IS_SHARING_DIALOG (self));

  role_index = adw_combo_row_get_selected (self->role_row);
  if (role_index > 0 && role_index != GTK_INVALID_LIST_POSITION)
    role = codes[(role_index - 1) * 2];
  team = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->team_row))));
  for (guint s = 0; s < KITH_N_RECORD_SECTIONS; s++)
    if (section_check (self, s) && gtk_check_button_get_active (section_check (self, s)))
      sections |= KITH_RECORD_SECTION_BIT (s);
  if (sections == 0)
    {
      show_error (self, _("Tick the parts of the record this choice is about."));
      return;
    }
  show_error (self, NULL);
  kith_consent_add_rule (self->consent, adw_combo_row_get_selected (self->permit_row) == 1,
                         *team ? team : NULL, role, sections);
  show_rules (self);

  /* Ready for the next choice. */
  gtk_editable_set_text (GTK_EDITABLE (self->team_row), "");
  for (guint s = 0; s < KITH_N_RECORD_SECTIONS; s++)
    if (section_check (self, s))
      gtk_check_button_set_active (section_check (self, s), FALSE);
}

guint
kith_sharing_dialog_get_n_rules (KithSharingDialog *self)
{
  g_return_val_if_fail (KITH_IS_SHARING_DIALOG (self), 0);
  return self->consent->rules->len;
}

void
kith_sharing_dialog_remove_rule (KithSharingDialog *self,
                                 guint              index)
{
  g_return_if_fail (KITH_IS_SHARING_DIALOG (self));
  g_return_if_fail (index < self->consent->rules->len);

  g_ptr_array_remove_index (self->consent->rules, index);
  show_rules (self);
}

gboolean
kith_sharing_dialog_save (KithSharingDialog  *self,
                          GError            **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (KITH_IS_SHARING_DIALOG (self), FALSE);

  self->consent->share_by_default = gtk_switch_get_active (self->share_switch);
  g_free (self->consent->own_words);
  self->consent->own_words = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->words_row)));
  if (!kith_sharing_save (self->store, self->consent, self->my_name, &local_error))
    {
      show_error (self, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  show_error (self, NULL);
  g_signal_emit (self, signals[SAVED], 0);
  return TRUE;
}

GtkEditable *
kith_sharing_dialog_get_words (KithSharingDialog *self)
{
  g_return_val_if_fail (KITH_IS_SHARING_DIALOG (self), NULL);
  return GTK_EDITABLE (self->words_row);
}

GtkSwitch *
kith_sharing_dialog_get_share_switch (KithSharingDialog *self)
{
  g_return_val_if_fail (KITH_IS_SHARING_DIALOG (self), NULL);
  return self->share_switch;
}
