/* kith-access-log-dialog.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The audit lives on the practice server, so this asks it each time it
 * opens: nothing about who looked at whom is kept on the laptop.
 */

#define G_LOG_DOMAIN "kith-access-log-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-access-log-dialog.h"
#include "kith-access-log.h"
#include "kith-format.h"

struct _KithAccessLogDialog
{
  AdwWindow            parent_instance;

  KithSyncClient      *client;
  char                *patient_id;
  char                *person_name;
  GPtrArray           *entries;
  GCancellable        *cancellable;
  gboolean             review;      /* break-glass events for a lead */

  /* Template widgets */
  AdwWindowTitle      *window_title;
  GtkStack            *stack;
  GtkSpinner          *spinner;
  AdwStatusPage       *error_page;
  AdwPreferencesGroup *entries_group;
};

G_DEFINE_FINAL_TYPE (KithAccessLogDialog, kith_access_log_dialog, ADW_TYPE_WINDOW)

/* Helpers */

static void
show_entries (KithAccessLogDialog *self)
{
  if (self->entries->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("Nobody has looked at this record on the practice server"));
      adw_preferences_group_add (self->entries_group, row);
    }
  for (guint i = 0; i < self->entries->len; i++)
    {
      const KithAccessEntry *entry = self->entries->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *when = kith_format_instant (entry->first);
      g_autofree char *subtitle = entry->times > 1
        /* Translators: when first, then how often that day */
        ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, and %u more time that day",
                                        "%s, and %u more times that day", entry->times - 1),
                           when, entry->times - 1)
        : g_strdup (when);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), entry->words);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      if (entry->for_review || entry->refused)
        {
          GtkWidget *tag = gtk_label_new (entry->for_review ? _("For review") : _("Refused"));

          gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (tag, entry->for_review ? "warning" : "dim-label");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag);
        }
      adw_preferences_group_add (self->entries_group, row);
    }
  gtk_stack_set_visible_child_name (self->stack, "entries");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "access-log.print", TRUE);
}

/* Callbacks */

static void
on_audit_fetched_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(KithAccessLogDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) bundle = kith_sync_client_get_json_finish (KITH_SYNC_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_spinner_set_spinning (self->spinner, FALSE);
  if (bundle == NULL || !(self->entries = kith_access_log_from_bundle (bundle, &error)))
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  show_entries (self);
  if (self->review)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "access-log.print", FALSE);
}

static void
on_print_response_cb (GtkNativeDialog     *chooser,
                      int                  response,
                      KithAccessLogDialog *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))))
    {
      g_autofree char *path = g_file_get_path (file);

      if (path == NULL || !kith_access_log_dialog_print_to (self, path, &error))
        {
          adw_status_page_set_description (self->error_page, error ? error->message
                                                                   : _("Choose a folder on this computer."));
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
      else
        {
          g_autofree char *uri = g_file_get_uri (file);

          gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
        }
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
access_log_print_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  KithAccessLogDialog *self = KITH_ACCESS_LOG_DIALOG (widget);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Print for the Person"), GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                                               _("_Cancel"));

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("Who has looked at my record.pdf"));
  g_signal_connect (chooser, "response", G_CALLBACK (on_print_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Overrides */

static void
kith_access_log_dialog_dispose (GObject *object)
{
  KithAccessLogDialog *self = KITH_ACCESS_LOG_DIALOG (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (kith_access_log_dialog_parent_class)->dispose (object);
}

static void
kith_access_log_dialog_finalize (GObject *object)
{
  KithAccessLogDialog *self = KITH_ACCESS_LOG_DIALOG (object);

  g_clear_object (&self->client);
  g_clear_pointer (&self->patient_id, g_free);
  g_clear_pointer (&self->person_name, g_free);
  g_clear_pointer (&self->entries, g_ptr_array_unref);

  G_OBJECT_CLASS (kith_access_log_dialog_parent_class)->finalize (object);
}

static void
kith_access_log_dialog_class_init (KithAccessLogDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_access_log_dialog_dispose;
  object_class->finalize = kith_access_log_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-access-log-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KithAccessLogDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, KithAccessLogDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, KithAccessLogDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, KithAccessLogDialog, error_page);
  gtk_widget_class_bind_template_child (widget_class, KithAccessLogDialog, entries_group);

  gtk_widget_class_install_action (widget_class, "access-log.print", NULL, access_log_print_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kith_access_log_dialog_init (KithAccessLogDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "access-log.print", FALSE);
}

/* Public API */

static GtkWidget *
new_for_query (GtkWindow      *parent,
               KithSyncClient *client,
               const char     *query,
               const char     *title,
               const char     *person_name)
{
  KithAccessLogDialog *self;

  self = g_object_new (KITH_TYPE_ACCESS_LOG_DIALOG,
                       "transient-for", parent,
                       "destroy-with-parent", TRUE,
                       NULL);
  self->client = g_object_ref (client);
  self->person_name = g_strdup (person_name);
  if (title)
    {
      gtk_window_set_title (GTK_WINDOW (self), title);
      adw_window_title_set_title (self->window_title, title);
    }
  if (person_name)
    adw_window_title_set_subtitle (self->window_title, person_name);

  gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_spinner_set_spinning (self->spinner, TRUE);
  kith_sync_client_get_json_async (client, query, self->cancellable, on_audit_fetched_cb, g_object_ref (self));
  return GTK_WIDGET (self);
}

GtkWidget *
kith_access_log_dialog_new (GtkWindow      *parent,
                            KithSyncClient *client,
                            const char     *patient_id,
                            const char     *person_name)
{
  g_autofree char *escaped = NULL;
  g_autofree char *query = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KITH_IS_SYNC_CLIENT (client), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  escaped = g_uri_escape_string (patient_id, NULL, TRUE);
  query = g_strdup_printf ("AuditEvent?patient=%s", escaped);
  return new_for_query (parent, client, query, NULL, person_name);
}

GtkWidget *
kith_access_log_dialog_new_for_review (GtkWindow      *parent,
                                       KithSyncClient *client)
{
  GtkWidget *dialog;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KITH_IS_SYNC_CLIENT (client), NULL);

  dialog = new_for_query (parent, client, "AuditEvent?type=break-glass", _("Emergency Access to Review"), NULL);
  /* A list for the lead, not a printout for one person. */
  gtk_widget_action_set_enabled (dialog, "access-log.print", FALSE);
  KITH_ACCESS_LOG_DIALOG (dialog)->review = TRUE;
  return dialog;
}

const char *
kith_access_log_dialog_get_state (KithAccessLogDialog *self)
{
  g_return_val_if_fail (KITH_IS_ACCESS_LOG_DIALOG (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

GPtrArray *
kith_access_log_dialog_get_entries (KithAccessLogDialog *self)
{
  g_return_val_if_fail (KITH_IS_ACCESS_LOG_DIALOG (self), NULL);
  return self->entries;
}

gboolean
kith_access_log_dialog_print_to (KithAccessLogDialog  *self,
                                 const char           *path,
                                 GError              **error)
{
  g_return_val_if_fail (KITH_IS_ACCESS_LOG_DIALOG (self), FALSE);
  g_return_val_if_fail (self->entries != NULL, FALSE);

  return kith_access_log_write_pdf (self->entries, self->person_name, path, error);
}
