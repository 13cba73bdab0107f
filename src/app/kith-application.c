/* kith-application.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kith-application"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>

#include "kith-application.h"
#include "kith-sign-in-dialog.h"
#include "kith-window.h"

#define KITH_STORE_FILE_NAME "kith.db"

/* The store is opened, and the caseload's row ids read, on a thread while
 * GTK and libadwaita start up on the main thread: the one O(n) step of
 * start-up then costs the first frame nothing. */
typedef struct
{
  char         *profile_dir;
  KithStore    *store;
  KithCaseload *caseload;
  GError       *error;
} StoreLoad;

struct _KithApplication
{
  AdwApplication  parent_instance;

  char           *profile_dir;   /* NULL: the default, under the user data dir */
  GSettings      *settings;      /* NULL when the schema is not installed */
  GThread        *store_loader;  /* until activate joins it */
  KithStore      *store;
  KithCaseload   *caseload;      /* handed to the first window */
  GError         *store_error;   /* why the store could not be opened */
};

G_DEFINE_FINAL_TYPE (KithApplication, kith_application, ADW_TYPE_APPLICATION)

static const GOptionEntry main_options[] = {
  { "profile", 'p', G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("The folder holding this professional’s records (default: ~/.local/share/kith)"),
    N_("DIR") },
  { "server", 's', G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("The practice server’s address, remembered for next time"),
    N_("URL") },
  { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and quit"), NULL },
  { NULL }
};

static char *
dup_default_profile_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "kith", NULL);
}

static void
store_load_free (StoreLoad *load)
{
  g_free (load->profile_dir);
  g_clear_object (&load->caseload);
  g_clear_object (&load->store);
  g_clear_error (&load->error);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreLoad, store_load_free)

/* Opens DIR/kith.db, making DIR (owner-only) when it does not exist yet,
 * and reads the caseload's row ids. Runs on its own thread; nothing else
 * touches these objects until activate joins it. A file that cannot be
 * opened is left exactly as it is: the core never migrates, repairs or
 * replaces a newer, foreign or damaged store. */
static gpointer
load_store_thread (gpointer data)
{
  StoreLoad *load = data;
  g_autofree char *path = NULL;

  if (g_mkdir_with_parents (load->profile_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (&load->error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the folder “%s”: %s"),
                   load->profile_dir, g_strerror (saved_errno));
      return load;
    }

  path = g_build_filename (load->profile_dir, KITH_STORE_FILE_NAME, NULL);
  if ((load->store = kith_store_open (path, &load->error)))
    load->caseload = kith_caseload_new (load->store);

  return load;
}

static void
start_loading_store (KithApplication *self)
{
  StoreLoad *load = g_new0 (StoreLoad, 1);

  load->profile_dir = g_strdup (kith_application_get_profile_dir (self));
  self->store_loader = g_thread_new ("kith-open-store", load_store_thread, load);
}

static void
finish_loading_store (KithApplication *self)
{
  g_autoptr(StoreLoad) load = NULL;

  if (self->store_loader == NULL)
    return;

  load = g_thread_join (g_steal_pointer (&self->store_loader));
  self->store = g_steal_pointer (&load->store);
  self->caseload = g_steal_pointer (&load->caseload);
  self->store_error = g_steal_pointer (&load->error);
}

static void
kith_application_about_action (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  static const char *developers[] = { "The Kith developers", NULL };
  KithApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window,
                         "application-name", _("Kith"),
                         "application-icon", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Holistic assessment and shared care planning, "
                                       "for everyone in the team around a person."),
                         "developer-name", _("The Kith developers"),
                         "developers", developers,
                         "copyright", _("© 2026 The Kith developers"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "website", "https://kith.example",
                         NULL);
}

static void
kith_application_quit_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  KithApplication *self = user_data;
  g_autoptr(GList) windows = NULL;

  /* Close rather than destroy, so that each window saves its size. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));

  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { "about", kith_application_about_action },
  { "quit", kith_application_quit_action },
};

static int
kith_application_handle_local_options (GApplication *application,
                                       GVariantDict *options)
{
  KithApplication *self = KITH_APPLICATION (application);
  g_autofree char *profile_dir = NULL;
  const char *server = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", _("Kith"), PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  if (g_variant_dict_lookup (options, "server", "&s", &server))
    {
      if (!kith_is_server_address_valid (server))
        {
          g_printerr (_("“%s” is not a server address. Give one such as https://kith.practice.example\n"),
                      server);
          return EXIT_FAILURE;
        }

      /* Remembered from this instance too, so a second `kith --server`
       * reaches the running window through GSettings. */
      if (self->settings == NULL)
        self->settings = kith_settings_new ();
      if (self->settings != NULL)
        g_settings_set_string (self->settings, "last-server", server);
    }

  if (g_variant_dict_lookup (options, "profile", "^ay", &profile_dir))
    {
      g_free (self->profile_dir);
      self->profile_dir = g_canonicalize_filename (profile_dir, NULL);

      /* Another profile is another professional's store: run on its own
       * rather than handing over to a window showing someone else's. */
      g_application_set_flags (application,
                               g_application_get_flags (application) | G_APPLICATION_NON_UNIQUE);
    }

  return G_APPLICATION_CLASS (kith_application_parent_class)->handle_local_options (application,
                                                                                    options);
}

static void
kith_application_startup (GApplication *application)
{
  KithApplication *self = KITH_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };

  /* Before GTK's own start-up, so that the two overlap. */
  start_loading_store (self);

  G_APPLICATION_CLASS (kith_application_parent_class)->startup (application);

  gtk_window_set_default_icon_name (APPLICATION_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);

  if (self->settings == NULL)
    self->settings = kith_settings_new ();
}

static void
kith_application_activate (GApplication *application)
{
  KithApplication *self = KITH_APPLICATION (application);
  GtkWindow *window;

  if (!(window = gtk_application_get_active_window (GTK_APPLICATION (self))))
    {
      KithWindow *kith_window;

      finish_loading_store (self);

      kith_window = kith_window_new (GTK_APPLICATION (self), self->settings);
      if (self->store != NULL)
        {
          g_autoptr(KithCaseload) caseload = g_steal_pointer (&self->caseload);

          kith_window_set_store (kith_window, self->store, caseload);
        }
      else
        {
          g_warning ("Could not open the store: %s", self->store_error->message);
          kith_window_show_store_error (kith_window, self->store_error);
        }

      window = GTK_WINDOW (kith_window);
    }

  gtk_window_present (window);
}

static void
kith_application_shutdown (GApplication *application)
{
  KithApplication *self = KITH_APPLICATION (application);

  G_APPLICATION_CLASS (kith_application_parent_class)->shutdown (application);

  finish_loading_store (self);
  g_clear_object (&self->caseload);
  g_clear_object (&self->store);
}

static void
kith_application_finalize (GObject *object)
{
  KithApplication *self = KITH_APPLICATION (object);

  g_clear_pointer (&self->profile_dir, g_free);
  g_clear_object (&self->settings);
  g_clear_object (&self->caseload);
  g_clear_object (&self->store);
  g_clear_error (&self->store_error);

  G_OBJECT_CLASS (kith_application_parent_class)->finalize (object);
}

static void
kith_application_class_init (KithApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = kith_application_finalize;

  application_class->handle_local_options = kith_application_handle_local_options;
  application_class->startup = kith_application_startup;
  application_class->activate = kith_application_activate;
  application_class->shutdown = kith_application_shutdown;
}

static void
kith_application_init (KithApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), main_options);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Holistic assessment and shared care planning."));
}

KithApplication *
kith_application_new (void)
{
  /* One resource path for both profiles, so that the .Devel build finds
   * gtk/help-overlay.ui and style.css too. */
  return g_object_new (KITH_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/care/kith/Kith",
                       NULL);
}

const char *
kith_application_get_profile_dir (KithApplication *self)
{
  g_return_val_if_fail (KITH_IS_APPLICATION (self), NULL);

  if (self->profile_dir == NULL)
    self->profile_dir = dup_default_profile_dir ();

  return self->profile_dir;
}

KithStore *
kith_application_get_store (KithApplication *self)
{
  g_return_val_if_fail (KITH_IS_APPLICATION (self), NULL);

  return self->store;
}

GSettings *
kith_application_get_settings (KithApplication *self)
{
  g_return_val_if_fail (KITH_IS_APPLICATION (self), NULL);

  return self->settings;
}

GSettings *
kith_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL ||
      !(schema = g_settings_schema_source_lookup (source, BASE_APPLICATION_ID, TRUE)))
    {
      g_debug ("GSettings schema %s is not installed; window size and server "
               "address will not be remembered", BASE_APPLICATION_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

char *
kith_dup_my_name (void)
{
  g_autoptr(GSettings) settings = kith_settings_new ();
  g_autofree char *name = settings != NULL ? g_settings_get_string (settings, "my-name") : NULL;

  if (name != NULL)
    g_strstrip (name);
  if (name == NULL || *name == '\0')
    return NULL;
  return g_steal_pointer (&name);
}

char *
kith_dup_professional_name (void)
{
  g_autofree char *my_name = kith_dup_my_name ();
  const char *name = g_get_real_name ();

  /* The name the professional gave Kith comes first. */
  if (my_name != NULL)
    return g_steal_pointer (&my_name);

  /* GLib says "Unknown" when the account has no real name. */
  if (name == NULL || *name == '\0' || g_strcmp0 (name, "Unknown") == 0)
    return g_strdup (_("Kith user"));

  return g_strdup (name);
}
