/* kith-lock-screen.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The lock screen of one window: "Locked", who is signed in, a password
 * and Unlock. It never shows anything from the records. Checking the
 * password, and the wait after wrong ones, are KithApplication's (with
 * src/core/kith-lock.c), since one unlock opens every window.
 */

#define G_LOG_DOMAIN "kith-lock-screen"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-lock-screen.h"

struct _KithLockScreen
{
  AdwBin              parent_instance;

  KithLockScreenMode  mode;
  char               *user;
  char               *problem;
  gboolean            busy;

  /* Template widgets */
  AdwStatusPage      *status_page;
  GtkPasswordEntry   *password_entry;
  GtkWidget          *unlock_button;
  GtkWidget          *sign_in_button;
  GtkLabel           *problem_label;
};

G_DEFINE_FINAL_TYPE (KithLockScreen, kith_lock_screen, ADW_TYPE_BIN)

enum {
  UNLOCK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_lock_screen (KithLockScreen *self)
{
  gboolean locked = self->mode == KITH_LOCK_SCREEN_LOCKED;
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));
  const char *shown = self->problem;

  if (locked)
    {
      g_autofree char *escaped = self->user != NULL ? g_markup_escape_text (self->user, -1) : NULL;

      adw_status_page_set_title (self->status_page, _("Locked"));
      adw_status_page_set_icon_name (self->status_page, "system-lock-screen-symbolic");
      adw_status_page_set_description (self->status_page, escaped);
    }
  else
    {
      adw_status_page_set_title (self->status_page, _("Signed Out"));
      adw_status_page_set_icon_name (self->status_page, "system-users-symbolic");
      adw_status_page_set_description (self->status_page,
                                       _("Sign in to the practice server to see the records "
                                         "on this computer."));
    }

  gtk_widget_set_visible (GTK_WIDGET (self->password_entry), locked);
  gtk_widget_set_visible (self->unlock_button, locked);
  gtk_widget_set_visible (self->sign_in_button, !locked);
  /* The entry itself stays sensitive: a focused entry made insensitive
   * upsets GTK 4.8. An Enter while busy is ignored instead. */
  gtk_widget_set_sensitive (self->unlock_button, !self->busy && password != NULL && *password != '\0');

  if (self->busy && shown == NULL)
    shown = _("Checking your password…");
  gtk_label_set_text (self->problem_label, shown != NULL ? shown : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), locked && shown != NULL);
  if (self->problem != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->problem_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->problem_label), "error");
}

static void
request_unlock (KithLockScreen *self)
{
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));

  if (self->busy || self->mode != KITH_LOCK_SCREEN_LOCKED || password == NULL || *password == '\0')
    return;
  g_signal_emit (self, signals[UNLOCK], 0, password);
}

static void
on_password_entry_activate_cb (KithLockScreen *self)
{
  request_unlock (self);
}

static void
on_password_entry_changed_cb (KithLockScreen *self)
{
  update_lock_screen (self);
}

static void
on_unlock_button_clicked_cb (KithLockScreen *self)
{
  request_unlock (self);
}

static void
kith_lock_screen_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KITH_TYPE_LOCK_SCREEN);

  G_OBJECT_CLASS (kith_lock_screen_parent_class)->dispose (object);
}

static void
kith_lock_screen_finalize (GObject *object)
{
  KithLockScreen *self = KITH_LOCK_SCREEN (object);

  g_free (self->user);
  g_free (self->problem);

  G_OBJECT_CLASS (kith_lock_screen_parent_class)->finalize (object);
}

static void
kith_lock_screen_class_init (KithLockScreenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_lock_screen_dispose;
  object_class->finalize = kith_lock_screen_finalize;

  /**
   * KithLockScreen::unlock:
   * @password: what was typed (wipe any copy of it)
   *
   * Unlock was clicked, or Enter pressed, with a password typed.
   */
  signals[UNLOCK] =
    g_signal_new ("unlock",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/care/kith/Kith/kith-lock-screen.ui");
  gtk_widget_class_bind_template_child (widget_class, KithLockScreen, status_page);
  gtk_widget_class_bind_template_child (widget_class, KithLockScreen, password_entry);
  gtk_widget_class_bind_template_child (widget_class, KithLockScreen, unlock_button);
  gtk_widget_class_bind_template_child (widget_class, KithLockScreen, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, KithLockScreen, problem_label);
  gtk_widget_class_bind_template_callback (widget_class, on_password_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_password_entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_unlock_button_clicked_cb);
}

static void
kith_lock_screen_init (KithLockScreen *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_lock_screen (self);
}

GtkWidget *
kith_lock_screen_new (void)
{
  return g_object_new (KITH_TYPE_LOCK_SCREEN, NULL);
}

void
kith_lock_screen_set_mode (KithLockScreen     *self,
                           KithLockScreenMode  mode)
{
  g_return_if_fail (KITH_IS_LOCK_SCREEN (self));

  self->mode = mode;
  update_lock_screen (self);
}

KithLockScreenMode
kith_lock_screen_get_mode (KithLockScreen *self)
{
  g_return_val_if_fail (KITH_IS_LOCK_SCREEN (self), KITH_LOCK_SCREEN_LOCKED);

  return self->mode;
}

void
kith_lock_screen_set_user (KithLockScreen *self,
                           const char     *name)
{
  g_return_if_fail (KITH_IS_LOCK_SCREEN (self));

  g_free (self->user);
  self->user = g_strdup (name);
  update_lock_screen (self);
}

void
kith_lock_screen_set_busy (KithLockScreen *self,
                           gboolean        busy)
{
  g_return_if_fail (KITH_IS_LOCK_SCREEN (self));

  self->busy = busy;
  if (busy)
    g_clear_pointer (&self->problem, g_free);
  update_lock_screen (self);
}

gboolean
kith_lock_screen_get_busy (KithLockScreen *self)
{
  g_return_val_if_fail (KITH_IS_LOCK_SCREEN (self), FALSE);

  return self->busy;
}

void
kith_lock_screen_set_problem (KithLockScreen *self,
                              const char     *problem)
{
  g_return_if_fail (KITH_IS_LOCK_SCREEN (self));

  g_free (self->problem);
  self->problem = g_strdup (problem);
  update_lock_screen (self);
}

const char *
kith_lock_screen_get_problem (KithLockScreen *self)
{
  g_return_val_if_fail (KITH_IS_LOCK_SCREEN (self), NULL);

  return self->problem;
}

void
kith_lock_screen_reset_password (KithLockScreen *self)
{
  g_return_if_fail (KITH_IS_LOCK_SCREEN (self));

  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
  if (gtk_widget_get_visible (GTK_WIDGET (self->password_entry)))
    gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
  else
    gtk_widget_grab_focus (self->sign_in_button);
}

GtkEditable *
kith_lock_screen_get_password_entry (KithLockScreen *self)
{
  g_return_val_if_fail (KITH_IS_LOCK_SCREEN (self), NULL);

  return GTK_EDITABLE (self->password_entry);
}

GtkWidget *
kith_lock_screen_get_unlock_button (KithLockScreen *self)
{
  g_return_val_if_fail (KITH_IS_LOCK_SCREEN (self), NULL);

  return self->unlock_button;
}
