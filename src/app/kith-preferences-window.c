/* kith-preferences-window.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Preferences: who you are (my-name, my-team), when Kith locks
 * (idle-lock-minutes) and which CA vouches for the practice server
 * (ca-file). Everything is a GSettings key; the window and the
 * application follow the keys, not this window.
 */

#define G_LOG_DOMAIN "kith-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-application.h"
#include "kith-preferences-window.h"

struct _KithPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  GtkFileChooserNative *chooser;

  /* Template widgets */
  AdwEntryRow          *name_row;
  AdwEntryRow          *team_row;
  GtkSpinButton        *lock_spin;
  AdwActionRow         *ca_row;
  GtkWidget            *ca_clear_button;
};

G_DEFINE_FINAL_TYPE (KithPreferencesWindow, kith_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
show_ca_file (KithPreferencesWindow *self)
{
  g_autofree char *path = g_settings_get_string (self->settings, "ca-file");
  gboolean chosen = path != NULL && *path != '\0';

  /* The whole path, so that IT support can tell which file it is */
  adw_action_row_set_subtitle (self->ca_row,
                               chosen ? path : _("None: the system’s trusted certificates"));
  gtk_widget_set_visible (self->ca_clear_button, chosen);
}

/* What is typed is kept on Enter or the apply button, and when the window
 * closes: each keystroke would filter the caseload again. */
static void
save_entry_row (KithPreferencesWindow *self,
                AdwEntryRow           *row,
                const char            *key)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_autofree char *kept = g_settings_get_string (self->settings, key);

  if (g_strcmp0 (text, kept) != 0)
    g_settings_set_string (self->settings, key, text);
}

static void
on_name_row_apply_cb (KithPreferencesWindow *self)
{
  save_entry_row (self, self->name_row, "my-name");
}

static void
on_team_row_apply_cb (KithPreferencesWindow *self)
{
  save_entry_row (self, self->team_row, "my-team");
}

static void
on_settings_ca_file_changed_cb (KithPreferencesWindow *self)
{
  show_ca_file (self);
}

static void
on_ca_clear_button_clicked_cb (KithPreferencesWindow *self)
{
  kith_preferences_window_set_ca_file (self, NULL, NULL);
}

static void
on_chooser_response_cb (KithPreferencesWindow *self,
                        int                    response,
                        GtkNativeDialog       *chooser)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL &&
      (path = g_file_get_path (file)) != NULL &&
      !kith_preferences_window_set_ca_file (self, path, &error))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));

  g_clear_object (&self->chooser);
}

static void
on_ca_choose_button_clicked_cb (KithPreferencesWindow *self)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Choose the Practice’s CA Certificate"),
                                               GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Choose"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Certificates (PEM)"));
  gtk_file_filter_add_pattern (filter, "*.pem");
  gtk_file_filter_add_pattern (filter, "*.crt");
  gtk_file_filter_add_pattern (filter, "*.cer");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static gboolean
map_minutes_to_value (GValue   *value,
                      GVariant *variant,
                      gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint32 (variant));
  return TRUE;
}

static GVariant *
map_value_to_minutes (const GValue       *value,
                      const GVariantType *expected_type,
                      gpointer            user_data)
{
  return g_variant_new_uint32 ((guint32) CLAMP (g_value_get_double (value), 0, 60));
}

static gboolean
kith_preferences_window_close_request (GtkWindow *window)
{
  KithPreferencesWindow *self = KITH_PREFERENCES_WINDOW (window);

  save_entry_row (self, self->name_row, "my-name");
  save_entry_row (self, self->team_row, "my-team");

  return GTK_WINDOW_CLASS (kith_preferences_window_parent_class)->close_request (window);
}

static void
kith_preferences_window_dispose (GObject *object)
{
  KithPreferencesWindow *self = KITH_PREFERENCES_WINDOW (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->settings != NULL)
    g_settings_unbind (gtk_spin_button_get_adjustment (self->lock_spin), "value");
  /* Focus leaves the rows while they live (libadwaita 1.2's entry rows) */
  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), KITH_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (kith_preferences_window_parent_class)->dispose (object);
}

static void
kith_preferences_window_finalize (GObject *object)
{
  KithPreferencesWindow *self = KITH_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (kith_preferences_window_parent_class)->finalize (object);
}

static void
kith_preferences_window_class_init (KithPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = kith_preferences_window_dispose;
  object_class->finalize = kith_preferences_window_finalize;
  window_class->close_request = kith_preferences_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/care/kith/Kith/kith-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KithPreferencesWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, KithPreferencesWindow, team_row);
  gtk_widget_class_bind_template_child (widget_class, KithPreferencesWindow, lock_spin);
  gtk_widget_class_bind_template_child (widget_class, KithPreferencesWindow, ca_row);
  gtk_widget_class_bind_template_child (widget_class, KithPreferencesWindow, ca_clear_button);
  gtk_widget_class_bind_template_callback (widget_class, on_name_row_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_team_row_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_ca_clear_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_ca_choose_button_clicked_cb);
}

static void
kith_preferences_window_init (KithPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

KithPreferencesWindow *
kith_preferences_window_new (GtkWindow *parent,
                             GSettings *settings)
{
  KithPreferencesWindow *self;
  g_autofree char *name = NULL;
  g_autofree char *team = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (KITH_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
  self->settings = g_object_ref (settings);

  name = g_settings_get_string (settings, "my-name");
  team = g_settings_get_string (settings, "my-team");
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  gtk_editable_set_text (GTK_EDITABLE (self->team_row), team);
  g_settings_bind_with_mapping (settings, "idle-lock-minutes",
                                gtk_spin_button_get_adjustment (self->lock_spin), "value",
                                G_SETTINGS_BIND_DEFAULT,
                                map_minutes_to_value, map_value_to_minutes, NULL, NULL);
  g_signal_connect_object (settings, "changed::ca-file",
                           G_CALLBACK (on_settings_ca_file_changed_cb), self, G_CONNECT_SWAPPED);
  show_ca_file (self);
  return self;
}

gboolean
kith_preferences_window_set_ca_file (KithPreferencesWindow  *self,
                                     const char             *path,
                                     GError                **error)
{
  g_autoptr(KithSyncClient) probe = NULL;

  g_return_val_if_fail (KITH_IS_PREFERENCES_WINDOW (self), FALSE);

  /* Tried as the sync client will use it: a file it cannot use is not
   * kept, so sync never quietly goes without the practice's CA. */
  if (path != NULL)
    {
      probe = kith_sync_client_new (NULL, "https://127.0.0.1/");
      if (!kith_sync_client_set_ca_file (probe, path, error))
        return FALSE;
    }
  g_settings_set_string (self->settings, "ca-file", path != NULL ? path : "");
  return TRUE;
}

AdwActionRow *
kith_preferences_window_get_ca_row (KithPreferencesWindow *self)
{
  return self->ca_row;
}

GtkSpinButton *
kith_preferences_window_get_lock_spin (KithPreferencesWindow *self)
{
  return self->lock_spin;
}

AdwEntryRow *
kith_preferences_window_get_name_row (KithPreferencesWindow *self)
{
  return self->name_row;
}

AdwEntryRow *
kith_preferences_window_get_team_row (KithPreferencesWindow *self)
{
  return self->team_row;
}
