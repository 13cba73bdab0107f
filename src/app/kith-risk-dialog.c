/* kith-risk-dialog.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Changing a person's risk tier by clinical judgement, going back to the
 * computed tier, or recording a score from another tool. Each is kept with
 * who made it and why; the core requires the reason and the name, and the
 * dialog will not offer to save without them.
 */

#define G_LOG_DOMAIN "kith-risk-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-application.h"
#include "kith-risk-dialog.h"

struct _KithRiskDialog
{
  AdwMessageDialog    parent_instance;

  KithStore          *store;
  char               *patient_id;
  KithRiskDialogKind  kind;

  AdwComboRow        *tier_row;
  AdwEntryRow        *reason_row;
  AdwEntryRow        *tool_row;
  AdwEntryRow        *version_row;
  AdwEntryRow        *score_row;
  AdwEntryRow        *who_row;
};

G_DEFINE_FINAL_TYPE (KithRiskDialog, kith_risk_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
is_given (AdwEntryRow *row)
{
  g_autofree char *text = NULL;

  if (row == NULL)
    return TRUE;
  text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  return *text != '\0';
}

static void
update_save_enabled (KithRiskDialog *self)
{
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "save",
                                           is_given (self->reason_row) && is_given (self->tool_row) &&
                                           is_given (self->version_row) && is_given (self->score_row) &&
                                           is_given (self->who_row));
}

static AdwEntryRow *
add_entry_row (KithRiskDialog *self,
               GtkListBox     *list,
               const char     *title)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  g_signal_connect_object (row, "changed", G_CALLBACK (update_save_enabled), self, G_CONNECT_SWAPPED);
  gtk_list_box_append (list, row);
  return ADW_ENTRY_ROW (row);
}

static char *
dup_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
on_response_cb (KithRiskDialog *self,
                const char     *response)
{
  g_autoptr(GError) error = NULL;
  GtkWindow *parent;

  if (g_strcmp0 (response, "save") != 0)
    return;
  if (kith_risk_dialog_save (self, &error))
    return;

  /* The dialog is closing: the core's words go to the window. */
  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  if (parent == NULL ||
      !gtk_widget_activate_action (GTK_WIDGET (parent), "win.show-toast", "s", error->message))
    g_warning ("%s", error->message);
}

static void
kith_risk_dialog_finalize (GObject *object)
{
  KithRiskDialog *self = KITH_RISK_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->patient_id, g_free);

  G_OBJECT_CLASS (kith_risk_dialog_parent_class)->finalize (object);
}

static void
kith_risk_dialog_class_init (KithRiskDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kith_risk_dialog_finalize;

  /**
   * KithRiskDialog::saved:
   *
   * The change is recorded.
   */
  signals[SAVED] = g_signal_new ("saved",
                                 G_TYPE_FROM_CLASS (klass),
                                 G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 0);
}

static void
kith_risk_dialog_init (KithRiskDialog *self)
{
  g_signal_connect (self, "response", G_CALLBACK (on_response_cb), NULL);
}

GtkWidget *
kith_risk_dialog_new (GtkWindow          *parent,
                      KithStore          *store,
                      const char         *patient_id,
                      KithRiskDialogKind  kind,
                      const char         *tier)
{
  KithRiskDialog *self;
  AdwMessageDialog *dialog;
  GtkListBox *list;
  g_autofree char *who = kith_dup_professional_name ();
  const char *heading = NULL, *body = NULL, *save = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  switch (kind)
    {
    case KITH_RISK_DIALOG_CHANGE_TIER:
      heading = _("Change Risk Tier");
      body = _("The tier you choose counts instead of the one computed from the record, "
               "until it is changed or taken back. Your reason and name are kept with it.");
      save = _("_Change Tier");
      break;
    case KITH_RISK_DIALOG_USE_COMPUTED:
      heading = _("Use the Computed Tier?");
      body = _("The clinician’s tier is taken back and the tier computed from the record "
               "counts again. The clinician’s tier stays in the history, marked withdrawn.");
      save = _("_Use Computed Tier");
      break;
    case KITH_RISK_DIALOG_IMPORT_SCORE:
      heading = _("Record a Score From Another Tool");
      body = _("A risk score worked out elsewhere, kept with the tool’s name and version. "
               "It is shown in the history and does not change the tier.");
      save = _("_Record Score");
      break;
    default:
      g_return_val_if_reached (NULL);
    }

  self = g_object_new (KITH_TYPE_RISK_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "destroy-with-parent", TRUE,
                       "heading", heading,
                       "body", body,
                       NULL);
  dialog = ADW_MESSAGE_DIALOG (self);
  self->store = g_object_ref (store);
  self->patient_id = g_strdup (patient_id);
  self->kind = kind;
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "save", save,
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");

  list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (list), "boxed-list");

  if (kind == KITH_RISK_DIALOG_CHANGE_TIER)
    {
      g_autoptr(GtkStringList) tiers = gtk_string_list_new (NULL);
      guint selected = KITH_FRAILTY_MODERATE;

      for (KithFrailtyBand band = KITH_FRAILTY_FIT; band <= KITH_FRAILTY_SEVERE; band++)
        {
          gtk_string_list_append (tiers, kith_frailty_band_label (band));
          if (g_strcmp0 (tier, kith_frailty_band_id (band)) == 0)
            selected = band;
        }
      self->tier_row = ADW_COMBO_ROW (adw_combo_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->tier_row), _("_Tier"));
      adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->tier_row), TRUE);
      adw_combo_row_set_model (self->tier_row, G_LIST_MODEL (tiers));
      adw_combo_row_set_selected (self->tier_row, selected);
      gtk_list_box_append (list, GTK_WIDGET (self->tier_row));
    }

  if (kind == KITH_RISK_DIALOG_IMPORT_SCORE)
    {
      self->tool_row = add_entry_row (self, list, _("T_ool"));
      self->version_row = add_entry_row (self, list, _("_Version"));
      self->score_row = add_entry_row (self, list, _("_Score"));
    }
  else
    self->reason_row = add_entry_row (self, list, _("_Reason (required)"));

  self->who_row = add_entry_row (self, list, _("Recorded _by"));
  gtk_editable_set_text (GTK_EDITABLE (self->who_row), who);

  adw_message_dialog_set_extra_child (dialog, GTK_WIDGET (list));
  update_save_enabled (self);

  /* Straight to what has to be typed */
  gtk_window_set_focus (GTK_WINDOW (self),
                        GTK_WIDGET (self->tool_row != NULL ? self->tool_row : self->reason_row));

  return GTK_WIDGET (self);
}

AdwComboRow *
kith_risk_dialog_get_tier_row (KithRiskDialog *self)
{
  g_return_val_if_fail (KITH_IS_RISK_DIALOG (self), NULL);

  return self->tier_row;
}

#define GET_EDITABLE(row) ((row) != NULL ? GTK_EDITABLE (row) : NULL)

GtkEditable *
kith_risk_dialog_get_reason (KithRiskDialog *self)
{
  g_return_val_if_fail (KITH_IS_RISK_DIALOG (self), NULL);

  return GET_EDITABLE (self->reason_row);
}

GtkEditable *
kith_risk_dialog_get_who (KithRiskDialog *self)
{
  g_return_val_if_fail (KITH_IS_RISK_DIALOG (self), NULL);

  return GET_EDITABLE (self->who_row);
}

GtkEditable *
kith_risk_dialog_get_tool (KithRiskDialog *self)
{
  g_return_val_if_fail (KITH_IS_RISK_DIALOG (self), NULL);

  return GET_EDITABLE (self->tool_row);
}

GtkEditable *
kith_risk_dialog_get_version (KithRiskDialog *self)
{
  g_return_val_if_fail (KITH_IS_RISK_DIALOG (self), NULL);

  return GET_EDITABLE (self->version_row);
}

GtkEditable *
kith_risk_dialog_get_score (KithRiskDialog *self)
{
  g_return_val_if_fail (KITH_IS_RISK_DIALOG (self), NULL);

  return GET_EDITABLE (self->score_row);
}

gboolean
kith_risk_dialog_save (KithRiskDialog  *self,
                       GError         **error)
{
  g_autofree char *who = NULL;
  g_autofree char *reason = NULL;
  gboolean saved = FALSE;

  g_return_val_if_fail (KITH_IS_RISK_DIALOG (self), FALSE);

  who = dup_text (self->who_row);
  if (self->reason_row != NULL)
    reason = dup_text (self->reason_row);

  /* What is required is the core's to say: its refusal is passed on. */
  switch (self->kind)
    {
    case KITH_RISK_DIALOG_CHANGE_TIER:
      {
        guint selected = adw_combo_row_get_selected (self->tier_row);
        const char *tier = selected <= KITH_FRAILTY_SEVERE ? kith_frailty_band_id (selected) : NULL;

        saved = kith_risk_override_tier (self->store, self->patient_id, tier, reason, who, error);
      }
      break;

    case KITH_RISK_DIALOG_USE_COMPUTED:
      saved = kith_risk_withdraw_override (self->store, self->patient_id, reason, who, error);
      break;

    case KITH_RISK_DIALOG_IMPORT_SCORE:
      {
        g_autofree char *tool = dup_text (self->tool_row);
        g_autofree char *version = dup_text (self->version_row);
        g_autofree char *score = dup_text (self->score_row);

        saved = kith_risk_import_score (self->store, self->patient_id, tool, version, score, who, error);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  if (saved)
    g_signal_emit (self, signals[SAVED], 0);
  return saved;
}
