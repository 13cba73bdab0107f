/* kith-plan-agree-dialog.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Who agreed?" and "How?": the person, or their representative by name
 * and relationship; in person, by phone, by video or in writing.
 */

#define G_LOG_DOMAIN "kith-plan-agree-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-plan-agree-dialog.h"
#include "kith-plan-editor-private.h"

struct _KithPlanAgreeDialog
{
  AdwMessageDialog  parent_instance;

  char             *person_name;

  /* Template widgets */
  GtkCheckButton   *person_check;
  GtkCheckButton   *representative_check;
  AdwEntryRow      *name_row;
  AdwEntryRow      *relationship_row;
  AdwComboRow      *how_row;
};

G_DEFINE_FINAL_TYPE (KithPlanAgreeDialog, kith_plan_agree_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* What kith_care_plan_agree() records, by position in the "How?" row */
static const char *how_words[] = { N_("in person"), N_("by phone"), N_("by video"), N_("in writing") };

static char *
dup_row_text (AdwEntryRow *row)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

static void
update_response (KithPlanAgreeDialog *self)
{
  g_autofree char *name = dup_row_text (self->name_row);

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "agree", name != NULL);
}

static void
on_who_toggled_cb (KithPlanAgreeDialog *self)
{
  gboolean representative = gtk_check_button_get_active (self->representative_check);

  gtk_widget_set_sensitive (GTK_WIDGET (self->relationship_row), representative);
  /* The person's own name, or a blank for their representative's */
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), representative ? "" : self->person_name);
  if (representative)
    gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  update_response (self);
}

static void
kith_plan_agree_dialog_finalize (GObject *object)
{
  KithPlanAgreeDialog *self = KITH_PLAN_AGREE_DIALOG (object);

  g_free (self->person_name);

  G_OBJECT_CLASS (kith_plan_agree_dialog_parent_class)->finalize (object);
}

static void
kith_plan_agree_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KITH_TYPE_PLAN_AGREE_DIALOG);

  G_OBJECT_CLASS (kith_plan_agree_dialog_parent_class)->dispose (object);
}

static void
kith_plan_agree_dialog_class_init (KithPlanAgreeDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_plan_agree_dialog_dispose;
  object_class->finalize = kith_plan_agree_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/care/kith/Kith/kith-plan-agree-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KithPlanAgreeDialog, person_check);
  gtk_widget_class_bind_template_child (widget_class, KithPlanAgreeDialog, representative_check);
  gtk_widget_class_bind_template_child (widget_class, KithPlanAgreeDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanAgreeDialog, relationship_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanAgreeDialog, how_row);
  gtk_widget_class_bind_template_callback (widget_class, on_who_toggled_cb);
}

static void
kith_plan_agree_dialog_init (KithPlanAgreeDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (self->name_row, "changed", G_CALLBACK (update_response), self);
}

KithPlanAgreeDialog *
kith_plan_agree_dialog_new (GtkWindow  *parent,
                            const char *person_name)
{
  KithPlanAgreeDialog *self;

  self = g_object_new (KITH_TYPE_PLAN_AGREE_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->person_name = g_strdup (person_name != NULL ? person_name : "");
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), self->person_name);
  update_response (self);
  return self;
}

char *
kith_plan_agree_dialog_dup_agreed_by (KithPlanAgreeDialog *self)
{
  g_autofree char *name = NULL;
  g_autofree char *relationship = NULL;

  g_return_val_if_fail (KITH_IS_PLAN_AGREE_DIALOG (self), NULL);

  name = dup_row_text (self->name_row);
  if (name == NULL)
    return NULL;
  if (!kith_plan_agree_dialog_get_by_representative (self) ||
      (relationship = dup_row_text (self->relationship_row)) == NULL)
    return g_steal_pointer (&name);
  /* Translators: a representative and how they are related, "Daniel Smith (son)" */
  return g_strdup_printf (_("%s (%s)"), name, relationship);
}

gboolean
kith_plan_agree_dialog_get_by_representative (KithPlanAgreeDialog *self)
{
  g_return_val_if_fail (KITH_IS_PLAN_AGREE_DIALOG (self), FALSE);

  return gtk_check_button_get_active (self->representative_check);
}

const char *
kith_plan_agree_dialog_get_how (KithPlanAgreeDialog *self)
{
  guint selected;

  g_return_val_if_fail (KITH_IS_PLAN_AGREE_DIALOG (self), NULL);

  selected = adw_combo_row_get_selected (self->how_row);
  return _(how_words[selected < G_N_ELEMENTS (how_words) ? selected : 0]);
}

/* For the GUI tests */

GtkCheckButton *
kith_plan_agree_dialog_get_representative_check (KithPlanAgreeDialog *self)
{
  return self->representative_check;
}

AdwEntryRow *
kith_plan_agree_dialog_get_name_row (KithPlanAgreeDialog *self)
{
  return self->name_row;
}

AdwEntryRow *
kith_plan_agree_dialog_get_relationship_row (KithPlanAgreeDialog *self)
{
  return self->relationship_row;
}

AdwComboRow *
kith_plan_agree_dialog_get_how_row (KithPlanAgreeDialog *self)
{
  return self->how_row;
}
