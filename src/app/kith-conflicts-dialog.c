/* kith-conflicts-dialog.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every change that sync could not merge by itself, one card each, until
 * someone decides. A decision is a local edit on top of the server's
 * version (kith_sync_resolve_conflict), sent with the next sync.
 */

#define G_LOG_DOMAIN "kith-conflicts-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-conflicts-dialog.h"

struct _KithConflictsDialog
{
  AdwWindow         parent_instance;

  KithStore        *store;
  GPtrArray        *cards;

  /* Template widgets */
  AdwWindowTitle   *window_title;
  GtkStack         *stack;
  GtkBox           *cards_box;
  AdwStatusPage    *error_page;
};

G_DEFINE_FINAL_TYPE (KithConflictsDialog, kith_conflicts_dialog, ADW_TYPE_WINDOW)

enum {
  RESOLVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_page (KithConflictsDialog *self)
{
  g_autofree char *subtitle = NULL;

  if (self->cards->len > 0)
    /* Translators: how many records are waiting for a decision */
    subtitle = g_strdup_printf (ngettext ("%u record", "%u records", self->cards->len), self->cards->len);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "error") != 0)
    gtk_stack_set_visible_child_name (self->stack, self->cards->len > 0 ? "list" : "empty");
}

/* Whose record this is, as they like to be called */
static char *
dup_person_name (KithConflictsDialog    *self,
                 const KithSyncConflict *conflict)
{
  JsonObject *resource = conflict->local != NULL ? conflict->local : conflict->remote;
  const char *patient_id = resource != NULL ? kith_fhir_resource_patient (resource) : NULL;
  g_autoptr(KithPatient) patient = NULL;

  if (patient_id == NULL || !(patient = kith_store_load_patient (self->store, patient_id, NULL)))
    return NULL;
  return kith_patient_dup_spoken_name (patient);
}

static void
on_card_decided_cb (KithConflictCard *card,
                    JsonObject       *resolved,
                    gpointer          user_data)
{
  KithConflictsDialog *self = user_data;
  const KithSyncConflict *conflict = kith_conflict_card_get_conflict (card);
  g_autoptr(GError) error = NULL;

  if (!kith_sync_resolve_conflict (self->store, conflict->type, conflict->id, resolved, &error))
    {
      /* The card stays: nothing is lost, and it can be tried again. */
      kith_conflict_card_show_problem (card, error->message);
      return;
    }

  g_ptr_array_remove (self->cards, card);
  gtk_box_remove (self->cards_box, GTK_WIDGET (card));
  update_page (self);
  g_signal_emit (self, signals[RESOLVED], 0);
}

static void
clear_cards (KithConflictsDialog *self)
{
  for (guint i = 0; i < self->cards->len; i++)
    gtk_box_remove (self->cards_box, self->cards->pdata[i]);
  g_ptr_array_set_size (self->cards, 0);
}

static void
kith_conflicts_dialog_dispose (GObject *object)
{
  KithConflictsDialog *self = KITH_CONFLICTS_DIALOG (object);

  g_clear_pointer (&self->cards, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), KITH_TYPE_CONFLICTS_DIALOG);

  G_OBJECT_CLASS (kith_conflicts_dialog_parent_class)->dispose (object);
}

static void
kith_conflicts_dialog_finalize (GObject *object)
{
  KithConflictsDialog *self = KITH_CONFLICTS_DIALOG (object);

  g_clear_object (&self->store);

  G_OBJECT_CLASS (kith_conflicts_dialog_parent_class)->finalize (object);
}

static void
kith_conflicts_dialog_class_init (KithConflictsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_conflicts_dialog_dispose;
  object_class->finalize = kith_conflicts_dialog_finalize;

  /**
   * KithConflictsDialog::resolved:
   *
   * A decision was recorded in the store, to be sent.
   */
  signals[RESOLVED] =
    g_signal_new ("resolved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  g_type_ensure (KITH_TYPE_CONFLICT_CARD);

  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-conflicts-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KithConflictsDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, KithConflictsDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, KithConflictsDialog, cards_box);
  gtk_widget_class_bind_template_child (widget_class, KithConflictsDialog, error_page);
}

static void
kith_conflicts_dialog_init (KithConflictsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Holds references: cards stay alive until removed from the box */
  self->cards = g_ptr_array_new ();
}

KithConflictsDialog *
kith_conflicts_dialog_new (GtkWindow *parent,
                           KithStore *store)
{
  KithConflictsDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  self = g_object_new (KITH_TYPE_CONFLICTS_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->store = g_object_ref (store);
  kith_conflicts_dialog_reload (self);
  return self;
}

void
kith_conflicts_dialog_reload (KithConflictsDialog *self)
{
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (KITH_IS_CONFLICTS_DIALOG (self));

  clear_cards (self);
  if (!(conflicts = kith_sync_list_conflicts (self->store, &error)))
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      update_page (self);
      return;
    }

  /* The cards take the conflicts over */
  g_ptr_array_set_free_func (conflicts, NULL);
  for (guint i = 0; i < conflicts->len; i++)
    {
      KithSyncConflict *conflict = conflicts->pdata[i];
      g_autofree char *name = dup_person_name (self, conflict);
      KithConflictCard *card = kith_conflict_card_new (conflict, name);

      g_signal_connect (card, "decided", G_CALLBACK (on_card_decided_cb), self);
      gtk_box_append (self->cards_box, GTK_WIDGET (card));
      g_ptr_array_add (self->cards, card);
    }

  gtk_stack_set_visible_child_name (self->stack, "list");
  update_page (self);
}

guint
kith_conflicts_dialog_get_n_cards (KithConflictsDialog *self)
{
  g_return_val_if_fail (KITH_IS_CONFLICTS_DIALOG (self), 0);

  return self->cards->len;
}

KithConflictCard *
kith_conflicts_dialog_get_card (KithConflictsDialog *self,
                                guint                index)
{
  g_return_val_if_fail (KITH_IS_CONFLICTS_DIALOG (self), NULL);
  g_return_val_if_fail (index < self->cards->len, NULL);

  return self->cards->pdata[index];
}
