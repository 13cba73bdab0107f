/* kith-sync-indicator.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sync state in the caseload's header bar: an icon (and the number of
 * changes waiting) that opens a popover saying, in words, where things
 * stand, with Sync Now, Work Offline, Sign In and, when someone must
 * decide, Resolve Conflicts. It only shows the client's properties; the
 * window's actions do the work.
 */

#define G_LOG_DOMAIN "kith-sync-indicator"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-format.h"
#include "kith-sync-indicator.h"

/* The client's properties that change what is shown */
static const char * const watched_properties[] = {
  "online", "syncing", "pending-count", "conflicts", "last-success",
  "last-error", "sign-in-needed", "work-offline",
};

struct _KithSyncIndicator
{
  GtkWidget       parent_instance;

  KithSyncClient *client;
  GBinding       *work_offline_binding;
  guint           clock_source;   /* "Last synced …" goes stale at midnight */

  /* Template widgets */
  GtkMenuButton  *button;
  GtkImage       *button_image;
  GtkLabel       *button_count_label;
  GtkPopover     *popover;
  GtkStack       *state_stack;
  GtkImage       *state_image;
  GtkSpinner     *spinner;
  GtkLabel       *title_label;
  GtkLabel       *detail_label;
  GtkLabel       *last_synced_label;
  GtkWidget      *conflicts_button;
  GtkWidget      *sync_button;
  GtkWidget      *work_offline_row;
  GtkSwitch      *work_offline_switch;
};

G_DEFINE_FINAL_TYPE (KithSyncIndicator, kith_sync_indicator, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_label (GtkLabel   *label,
           const char *text)
{
  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
}

/* One state, the one that matters most: what stops sync first, then what
 * needs someone, then progress. */
static void
update_state (KithSyncIndicator *self)
{
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *last_synced = NULL;
  g_autofree char *accessible = NULL;
  g_autofree char *count = NULL;
  const char *icon;
  const char *error;
  gboolean syncing = FALSE;
  gint64 pending = 0;
  gint64 waiting = 0;
  guint conflicts = 0;
  guint n_pending = 0, n_waiting = 0;

  if (self->client == NULL)
    {
      icon = "network-offline-symbolic";
      title = g_strdup (_("Not syncing"));
      detail = g_strdup (_("No practice server is set up. Records stay on this computer."));
      error = NULL;
    }
  else
    {
      syncing = kith_sync_client_get_syncing (self->client);
      pending = kith_sync_client_get_pending_count (self->client);
      conflicts = kith_sync_client_get_conflicts (self->client);
      waiting = MAX (pending - (gint64) conflicts, 0);
      error = kith_sync_client_get_last_error (self->client);
      n_pending = (guint) MIN (pending, G_MAXUINT);
      n_waiting = (guint) MIN (waiting, G_MAXUINT);
      last_synced = kith_format_last_synced (kith_sync_client_get_last_success (self->client), NULL);

      if (kith_sync_client_get_work_offline (self->client))
        {
          icon = "airplane-mode-symbolic";
          title = g_strdup (_("Working offline"));
          if (pending > 0)
            /* Translators: while working offline */
            detail = g_strdup_printf (ngettext ("%u change is kept on this computer until you go online.",
                                                "%u changes are kept on this computer until you go online.",
                                                n_pending), n_pending);
          else
            detail = g_strdup (_("Changes are kept on this computer until you go online."));
        }
      else if (kith_sync_client_get_sign_in_needed (self->client))
        {
          icon = "dialog-password-symbolic";
          title = g_strdup (_("Sign in needed"));
          detail = g_strdup (_("The practice server asks you to sign in again. Nothing has been lost."));
        }
      else if (conflicts > 0)
        {
          icon = "dialog-warning-symbolic";
          title = g_strdup_printf (ngettext ("%u change needs a decision", "%u changes need a decision", conflicts),
                                   conflicts);
          detail = g_strdup (_("Someone else changed the same thing. Choose what to keep; both versions are safe until then."));
        }
      else if (syncing)
        {
          icon = "emblem-synchronizing-symbolic";
          title = g_strdup (_("Syncing…"));
          if (waiting > 0)
            detail = g_strdup_printf (ngettext ("Sending %u change",
                                                "Sending %u changes", n_waiting), n_waiting);
        }
      else if (error != NULL && !kith_sync_client_get_online (self->client))
        {
          icon = "network-offline-symbolic";
          title = g_strdup (_("Offline"));
          detail = g_strdup (error);
        }
      else if (error != NULL)
        {
          icon = "network-error-symbolic";
          title = g_strdup (_("Sync problem"));
          detail = g_strdup (error);
        }
      else if (waiting > 0)
        {
          icon = "emblem-synchronizing-symbolic";
          title = g_strdup_printf (ngettext ("%u change waiting",
                                             "%u changes waiting", n_waiting), n_waiting);
          detail = g_strdup (_("Sent in a moment."));
        }
      else if (last_synced != NULL)
        {
          icon = "emblem-ok-symbolic";
          title = g_strdup (_("Up to date"));
        }
      else
        {
          icon = "emblem-synchronizing-symbolic";
          title = g_strdup (_("Not synced yet"));
        }

      /* Shown beside the states above that do not say it already. */
      if (waiting > 0 && (conflicts > 0 || error != NULL) &&
          !kith_sync_client_get_work_offline (self->client))
        {
          g_autofree char *more = g_strdup_printf (ngettext ("%u other change is waiting to be sent.",
                                                             "%u other changes are waiting to be sent.",
                                                             n_waiting), n_waiting);
          char *joined = g_strjoin ("\n", detail != NULL ? detail : "", more, NULL);

          g_free (detail);
          detail = g_strstrip (joined);
        }
    }

  gtk_image_set_from_icon_name (self->button_image, icon);
  gtk_image_set_from_icon_name (self->state_image, icon);
  gtk_stack_set_visible_child_name (self->state_stack, syncing ? "spinner" : "icon");
  gtk_spinner_set_spinning (self->spinner, syncing);

  set_label (self->title_label, title);
  set_label (self->detail_label, detail);
  set_label (self->last_synced_label, last_synced);

  /* Conflicts and queued changes, as a figure beside the icon */
  if (pending > 0)
    count = g_strdup_printf ("%" G_GINT64_FORMAT, pending);
  set_label (self->button_count_label, count);

  gtk_widget_set_visible (self->conflicts_button, conflicts > 0);
  gtk_widget_set_visible (self->work_offline_row, self->client != NULL);
  gtk_widget_set_sensitive (self->sync_button,
                            self->client != NULL && !syncing &&
                            !kith_sync_client_get_work_offline (self->client));

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), title);
  /* Translators: the sync button's name for screen readers, "Sync: Up to date" */
  accessible = g_strdup_printf (_("Sync: %s"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

static void
on_client_notify_cb (KithSyncIndicator *self,
                     GParamSpec        *pspec,
                     KithSyncClient    *client)
{
  update_state (self);
}

static gboolean
on_clock_timeout_cb (gpointer user_data)
{
  update_state (KITH_SYNC_INDICATOR (user_data));
  return G_SOURCE_CONTINUE;
}

static void
on_popover_show_cb (KithSyncIndicator *self)
{
  /* "Last synced" is relative to today: bring it up to date when seen. */
  update_state (self);
}

static void
kith_sync_indicator_dispose (GObject *object)
{
  KithSyncIndicator *self = KITH_SYNC_INDICATOR (object);
  GtkWidget *child;

  kith_sync_indicator_set_client (self, NULL);
  g_clear_handle_id (&self->clock_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), KITH_TYPE_SYNC_INDICATOR);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (kith_sync_indicator_parent_class)->dispose (object);
}

static void
kith_sync_indicator_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  KithSyncIndicator *self = KITH_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_sync_indicator_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  KithSyncIndicator *self = KITH_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      kith_sync_indicator_set_client (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_sync_indicator_class_init (KithSyncIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_sync_indicator_dispose;
  object_class->get_property = kith_sync_indicator_get_property;
  object_class->set_property = kith_sync_indicator_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         KITH_TYPE_SYNC_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-sync-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, KithSyncIndicator, button);
  gtk_widget_class_bind_template_child (widget_class, KithSyncIndicator, button_image);
  gtk_widget_class_bind_template_child (widget_class, KithSyncIndicator, button_count_label);
  gtk_widget_class_bind_template_child (widget_class, KithSyncIndicator, popover);
  gtk_widget_class_bind_template_child (widget_class, KithSyncIndicator, state_stack);
  gtk_widget_class_bind_template_child (widget_class, KithSyncIndicator, state_image);
  gtk_widget_class_bind_template_child (widget_class, KithSyncIndicator, spinner);
  gtk_widget_class_bind_template_child (widget_class, KithSyncIndicator, title_label);
  gtk_widget_class_bind_template_child (widget_class, KithSyncIndicator, detail_label);
  gtk_widget_class_bind_template_child (widget_class, KithSyncIndicator, last_synced_label);
  gtk_widget_class_bind_template_child (widget_class, KithSyncIndicator, conflicts_button);
  gtk_widget_class_bind_template_child (widget_class, KithSyncIndicator, sync_button);
  gtk_widget_class_bind_template_child (widget_class, KithSyncIndicator, work_offline_row);
  gtk_widget_class_bind_template_child (widget_class, KithSyncIndicator, work_offline_switch);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "syncindicator");
}

static void
kith_sync_indicator_init (KithSyncIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (self->popover, "show", G_CALLBACK (on_popover_show_cb), self);
  /* Once a minute is enough for a clock that shows minutes. */
  self->clock_source = g_timeout_add_seconds (60, on_clock_timeout_cb, self);
  update_state (self);
}

GtkWidget *
kith_sync_indicator_new (void)
{
  return g_object_new (KITH_TYPE_SYNC_INDICATOR, NULL);
}

void
kith_sync_indicator_set_client (KithSyncIndicator *self,
                                KithSyncClient    *client)
{
  g_return_if_fail (KITH_IS_SYNC_INDICATOR (self));
  g_return_if_fail (client == NULL || KITH_IS_SYNC_CLIENT (client));

  if (self->client == client)
    return;

  if (self->client != NULL)
    {
      g_clear_pointer (&self->work_offline_binding, g_binding_unbind);
      g_signal_handlers_disconnect_by_data (self->client, self);
      g_clear_object (&self->client);
    }

  if (client != NULL)
    {
      self->client = g_object_ref (client);
      for (guint i = 0; i < G_N_ELEMENTS (watched_properties); i++)
        {
          g_autofree char *signal = g_strconcat ("notify::", watched_properties[i], NULL);

          g_signal_connect_object (client, signal, G_CALLBACK (on_client_notify_cb), self,
                                   G_CONNECT_SWAPPED);
        }
      self->work_offline_binding =
        g_object_bind_property (client, "work-offline", self->work_offline_switch, "active",
                                G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
    }

  /* The popover lives in the header bar, which may still be being built */
  if (self->popover != NULL)
    update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

KithSyncClient *
kith_sync_indicator_get_client (KithSyncIndicator *self)
{
  g_return_val_if_fail (KITH_IS_SYNC_INDICATOR (self), NULL);

  return self->client;
}

const char *
kith_sync_indicator_get_title (KithSyncIndicator *self)
{
  g_return_val_if_fail (KITH_IS_SYNC_INDICATOR (self), NULL);

  return gtk_label_get_text (self->title_label);
}

const char *
kith_sync_indicator_get_detail (KithSyncIndicator *self)
{
  g_return_val_if_fail (KITH_IS_SYNC_INDICATOR (self), NULL);

  return gtk_label_get_text (self->detail_label);
}

const char *
kith_sync_indicator_get_last_synced (KithSyncIndicator *self)
{
  g_return_val_if_fail (KITH_IS_SYNC_INDICATOR (self), NULL);

  return gtk_label_get_text (self->last_synced_label);
}

GtkMenuButton *
kith_sync_indicator_get_button (KithSyncIndicator *self)
{
  g_return_val_if_fail (KITH_IS_SYNC_INDICATOR (self), NULL);

  return self->button;
}

GtkPopover *
kith_sync_indicator_get_popover (KithSyncIndicator *self)
{
  g_return_val_if_fail (KITH_IS_SYNC_INDICATOR (self), NULL);

  return self->popover;
}

GtkSwitch *
kith_sync_indicator_get_work_offline_switch (KithSyncIndicator *self)
{
  g_return_val_if_fail (KITH_IS_SYNC_INDICATOR (self), NULL);

  return self->work_offline_switch;
}
