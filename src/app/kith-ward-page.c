/* kith-ward-page.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The virtual ward: its places, who is on it and for how long, admitting
 * and discharging. The core keeps the capacity and refuses an admission
 * beyond it; the page asks before admitting anyway.
 */

#define G_LOG_DOMAIN "kith-ward-page"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-format.h"
#include "kith-ward-page.h"

#define MAX_PEOPLE_FOUND 8

struct _KithWardPage
{
  AdwBin         parent_instance;

  KithStore     *store;
  char          *my_name;

  /* Template widgets */
  GtkLabel      *places_label;
  GtkLevelBar   *level_bar;
  GtkStack      *stack;
  AdwStatusPage *empty_page;
  GtkListBox    *occupants_list;
  GtkMenuButton *places_button;
  GtkLabel      *places_hint;
  GtkSpinButton *places_spin;
};

G_DEFINE_FINAL_TYPE (KithWardPage, kith_ward_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_MY_NAME,
  N_PROPS
};

enum {
  OPEN_PERSON,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* What the Admit dialog has chosen */
typedef struct
{
  KithWardPage *page;       /* weak */
  KithCaseload *people;
  char         *patient_id;
  char         *person_name;
  char         *clinician;     /* read when Admit is pressed */
  AdwEntryRow  *clinician_row; /* gone with the first dialog */
} Admission;

static void
admission_free (Admission *admission)
{
  g_clear_weak_pointer (&admission->page);
  g_clear_object (&admission->people);
  g_free (admission->patient_id);
  g_free (admission->person_name);
  g_free (admission->clinician);
  g_free (admission);
}

/* Helpers */

static GtkWindow *
get_parent_window (KithWardPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
tell (KithWardPage *self,
      const char   *message)
{
  AdwMessageDialog *dialog;

  if (gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", message))
    return;
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (get_parent_window (self), NULL, message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
admit (KithWardPage *self,
       Admission    *admission,
       gboolean      force,
       GError      **error)
{
  g_autofree char *id = kith_virtual_ward_admit (self->store, admission->patient_id, NULL, admission->clinician,
                                                 force, error);

  if (id == NULL)
    return FALSE;
  kith_ward_page_reload (self);
  {
    /* Translators: a toast: "SMITH, Margaret is on the virtual ward" */
    g_autofree char *text = g_strdup_printf (_("%s is on the virtual ward"), admission->person_name);

    tell (self, text);
  }
  return TRUE;
}

static GtkWidget *
create_person_row_cb (gpointer item,
                      gpointer user_data)
{
  KithCaseloadEntry *entry = item;
  GtkWidget *row = adw_action_row_new ();
  const char *nhs = kith_caseload_entry_get_nhs_number (entry);
  const char *born = kith_caseload_entry_get_birth_date (entry);
  g_autofree char *subtitle = NULL;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kith_caseload_entry_get_list_name (entry));
  /* Translators: a person found: "NHS 943 476 5919 · born 1941-03-07" */
  subtitle = g_strdup_printf (_("NHS %s · born %s"), nhs ? nhs : "—", born ? born : "—");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  g_object_set_data_full (G_OBJECT (row), "kith-patient-id", g_strdup (kith_caseload_entry_get_id (entry)), g_free);
  g_object_set_data_full (G_OBJECT (row), "kith-name", g_strdup (kith_caseload_entry_get_list_name (entry)), g_free);
  return row;
}

/* Callbacks */

static void
on_force_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      Admission        *admission)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "admit") != 0 || admission->page == NULL)
    return;
  if (!admit (admission->page, admission, TRUE, &error))
    tell (admission->page, error->message);
}

static void
on_admit_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      Admission        *admission)
{
  g_autoptr(GError) error = NULL;
  KithWardPage *self = admission->page;
  AdwMessageDialog *confirm;

  if (g_strcmp0 (response, "admit") != 0 || self == NULL || admission->patient_id == NULL)
    return;
  g_free (admission->clinician);
  admission->clinician = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (admission->clinician_row))));
  admission->clinician_row = NULL;
  if (admit (self, admission, FALSE, &error))
    return;
  if (!g_error_matches (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_WARD_FULL))
    {
      tell (self, error->message);
      return;
    }

  /* Full: admitting anyway is a decision, asked for once more. */
  confirm = ADW_MESSAGE_DIALOG (adw_message_dialog_new (get_parent_window (self), _("The Virtual Ward Is Full"),
                                                        error->message));
  adw_message_dialog_add_responses (confirm,
                                    "cancel", _("_Cancel"),
                                    "admit", _("_Admit Anyway"),
                                    NULL);
  adw_message_dialog_set_response_appearance (confirm, "admit", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (confirm, "cancel");
  adw_message_dialog_set_close_response (confirm, "cancel");
  /* The admission goes with the dialog that asks now. */
  g_object_steal_data (G_OBJECT (dialog), "kith-admission");
  g_object_set_data_full (G_OBJECT (confirm), "kith-admission", admission, (GDestroyNotify) admission_free);
  g_signal_connect (confirm, "response", G_CALLBACK (on_force_response_cb), admission);
  gtk_window_present (GTK_WINDOW (confirm));
}

static void
on_admit_search_changed_cb (GtkSearchEntry *entry,
                            GtkListBox     *list)
{
  Admission *admission = g_object_get_data (G_OBJECT (list), "kith-admission");
  const char *query = gtk_editable_get_text (GTK_EDITABLE (entry));

  kith_caseload_set_query (admission->people, query);
  gtk_widget_set_visible (GTK_WIDGET (list), *query != '\0');
}

static void
on_admit_row_selected_cb (GtkListBox    *list,
                          GtkListBoxRow *row,
                          AdwMessageDialog *dialog)
{
  Admission *admission = g_object_get_data (G_OBJECT (dialog), "kith-admission");

  if (admission == NULL)
    return;
  g_clear_pointer (&admission->patient_id, g_free);
  g_clear_pointer (&admission->person_name, g_free);
  if (row != NULL)
    {
      admission->patient_id = g_strdup (g_object_get_data (G_OBJECT (row), "kith-patient-id"));
      admission->person_name = g_strdup (g_object_get_data (G_OBJECT (row), "kith-name"));
    }
  adw_message_dialog_set_response_enabled (dialog, "admit", admission->patient_id != NULL);
}

static void
ward_admit_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KithWardPage *self = KITH_WARD_PAGE (widget);
  Admission *admission;
  AdwMessageDialog *dialog;
  GtkWidget *box, *search, *list, *clinician_list;
  g_autoptr(GtkSliceListModel) first = NULL;
  g_autofree char *body = NULL;
  guint capacity, taken;

  if (self->store == NULL)
    return;
  {
    g_autoptr(GPtrArray) ward = kith_store_list_virtual_ward (self->store, NULL);

    taken = ward ? ward->len : 0;
  }
  capacity = kith_store_get_virtual_ward_capacity (self->store);
  /* Translators: the Admit dialog: "9 of 25 places are taken." */
  body = g_strdup_printf (ngettext ("%u of %u place is taken.", "%u of %u places are taken.", capacity),
                          taken, capacity);

  admission = g_new0 (Admission, 1);
  g_set_weak_pointer (&admission->page, self);
  admission->people = kith_caseload_new (self->store);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (get_parent_window (self), _("Admit to the Virtual Ward"),
                                                       body));
  g_object_set_data_full (G_OBJECT (dialog), "kith-admission", admission, (GDestroyNotify) admission_free);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_size_request (box, 360, -1);
  search = gtk_search_entry_new ();
  g_object_set (search, "placeholder-text", _("Search by name or NHS number"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (search), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Find the person"), -1);
  list = gtk_list_box_new ();
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_widget_set_visible (list, FALSE);
  first = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (admission->people)), 0, MAX_PEOPLE_FOUND);
  gtk_list_box_bind_model (GTK_LIST_BOX (list), G_LIST_MODEL (first), create_person_row_cb, NULL, NULL);
  g_object_set_data (G_OBJECT (list), "kith-admission", admission);
  g_signal_connect (search, "search-changed", G_CALLBACK (on_admit_search_changed_cb), list);
  g_signal_connect (list, "row-selected", G_CALLBACK (on_admit_row_selected_cb), dialog);

  clinician_list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (clinician_list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (clinician_list, "boxed-list");
  admission->clinician_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (admission->clinician_row), _("Responsible _clinician"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (admission->clinician_row), TRUE);
  if (self->my_name != NULL)
    gtk_editable_set_text (GTK_EDITABLE (admission->clinician_row), self->my_name);
  gtk_list_box_append (GTK_LIST_BOX (clinician_list), GTK_WIDGET (admission->clinician_row));

  gtk_box_append (GTK_BOX (box), search);
  gtk_box_append (GTK_BOX (box), list);
  gtk_box_append (GTK_BOX (box), clinician_list);
  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "admit", _("_Admit"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "admit", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "admit", FALSE);
  adw_message_dialog_set_default_response (dialog, "admit");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_admit_response_cb), admission);
  gtk_window_set_focus (GTK_WINDOW (dialog), search);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_discharge_response_cb (KithWardPage     *self,
                          const char       *response,
                          AdwMessageDialog *dialog)
{
  g_autoptr(GError) error = NULL;
  const char *patient_id = g_object_get_data (G_OBJECT (dialog), "kith-patient-id");

  if (g_strcmp0 (response, "discharge") != 0)
    return;
  if (!kith_virtual_ward_discharge (self->store, patient_id, NULL, &error))
    {
      tell (self, error->message);
      return;
    }
  kith_ward_page_reload (self);
  tell (self, _("Discharged from the virtual ward"));
}

static void
on_discharge_button_clicked_cb (KithWardPage *self,
                                GtkButton    *button)
{
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  /* Translators: "SMITH, Margaret leaves the virtual ward today." */
  body = g_strdup_printf (_("%s leaves the virtual ward today."),
                          (const char *) g_object_get_data (G_OBJECT (button), "kith-name"));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (get_parent_window (self),
                                                       _("Discharge From the Virtual Ward?"), body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "discharge", _("_Discharge"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "discharge", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "kith-patient-id",
                          g_strdup (g_object_get_data (G_OBJECT (button), "kith-patient-id")), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_discharge_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_occupants_list_row_activated_cb (KithWardPage  *self,
                                    GtkListBoxRow *row)
{
  const char *patient_id = g_object_get_data (G_OBJECT (row), "kith-patient-id");

  if (patient_id != NULL)
    g_signal_emit (self, signals[OPEN_PERSON], 0, patient_id);
}

static GtkWidget *
make_occupant_row (KithWardPage       *self,
                   const KithWardStay *stay)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Discharge…"));
  g_autofree char *admitted = kith_format_iso_date (stay->admitted, KITH_DATE_STYLE_SHORT);
  int days = kith_ward_stay_get_days (stay, NULL);
  g_autofree char *for_days = NULL;
  g_autofree char *subtitle = NULL;
  const char *name = stay->person_name ? stay->person_name : _("Not in the records");

  /* Translators: how long someone has been on the ward */
  for_days = g_strdup_printf (ngettext ("%d day on the ward", "%d days on the ward", days), days);
  if (stay->clinician != NULL)
    /* Translators: "Admitted 3 Dec 2026 · 4 days on the ward · Dr Amir Khan" */
    subtitle = g_strdup_printf (_("Admitted %s · %s · %s"), admitted ? admitted : "—", for_days, stay->clinician);
  else
    subtitle = g_strdup_printf (_("Admitted %s · %s"), admitted ? admitted : "—", for_days);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  g_object_set_data_full (G_OBJECT (row), "kith-patient-id", g_strdup (stay->patient_id), g_free);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (button), "kith-patient-id", g_strdup (stay->patient_id), g_free);
  g_object_set_data_full (G_OBJECT (button), "kith-name", g_strdup (name), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_discharge_button_clicked_cb), self, G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

/* Overrides */

static void
kith_ward_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KITH_TYPE_WARD_PAGE);

  G_OBJECT_CLASS (kith_ward_page_parent_class)->dispose (object);
}

static void
kith_ward_page_finalize (GObject *object)
{
  KithWardPage *self = KITH_WARD_PAGE (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->my_name, g_free);

  G_OBJECT_CLASS (kith_ward_page_parent_class)->finalize (object);
}

static void
kith_ward_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  KithWardPage *self = KITH_WARD_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_MY_NAME:
      g_value_set_string (value, self->my_name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_ward_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  KithWardPage *self = KITH_WARD_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      kith_ward_page_set_store (self, g_value_get_object (value));
      break;
    case PROP_MY_NAME:
      kith_ward_page_set_my_name (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* --- the ward's size ------------------------------------------------------------ */

static void
on_places_popover_show_cb (KithWardPage *self)
{
  gint64 people;
  g_autofree char *hint = NULL;

  if (self->store == NULL)
    return;
  people = kith_store_count_resources (self->store, "Patient");
  /* Translators: the default size of the virtual ward, from the list size */
  hint = g_strdup_printf (ngettext ("0.5%% of the %" G_GINT64_FORMAT " person on the list would be %u.",
                                    "0.5%% of the %" G_GINT64_FORMAT " people on the list would be %u.",
                                    (gulong) MAX (people, 0)),
                          people, (guint) MAX (1, (people + 199) / 200));
  gtk_label_set_text (self->places_hint, hint);
  gtk_spin_button_set_value (self->places_spin, kith_store_get_virtual_ward_capacity (self->store));
  gtk_widget_grab_focus (GTK_WIDGET (self->places_spin));
}

static void
set_capacity (KithWardPage *self,
              int           capacity)
{
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;
  if (!kith_store_set_virtual_ward_capacity (self->store, capacity, &error))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", error->message);
  gtk_menu_button_popdown (self->places_button);
  kith_ward_page_reload (self);
}

static void
ward_places_save_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  KithWardPage *self = KITH_WARD_PAGE (widget);

  gtk_spin_button_update (self->places_spin);
  set_capacity (self, gtk_spin_button_get_value_as_int (self->places_spin));
}

static void
ward_places_default_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  set_capacity (KITH_WARD_PAGE (widget), -1);
}

static void
kith_ward_page_class_init (KithWardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_ward_page_dispose;
  object_class->finalize = kith_ward_page_finalize;
  object_class->get_property = kith_ward_page_get_property;
  object_class->set_property = kith_ward_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, KITH_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MY_NAME] =
    g_param_spec_string ("my-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KithWardPage::open-person:
   * @patient_id: the person whose record to open
   */
  signals[OPEN_PERSON] = g_signal_new ("open-person",
                                       G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-ward-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KithWardPage, places_label);
  gtk_widget_class_bind_template_child (widget_class, KithWardPage, level_bar);
  gtk_widget_class_bind_template_child (widget_class, KithWardPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KithWardPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, KithWardPage, occupants_list);
  gtk_widget_class_bind_template_child (widget_class, KithWardPage, places_button);
  gtk_widget_class_bind_template_child (widget_class, KithWardPage, places_hint);
  gtk_widget_class_bind_template_child (widget_class, KithWardPage, places_spin);
  gtk_widget_class_bind_template_callback (widget_class, on_places_popover_show_cb);
  gtk_widget_class_install_action (widget_class, "ward.places-save", NULL, ward_places_save_action);
  gtk_widget_class_install_action (widget_class, "ward.places-default", NULL, ward_places_default_action);
  gtk_widget_class_bind_template_callback (widget_class, on_occupants_list_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "ward.admit", NULL, ward_admit_action);
}

static void
kith_ward_page_init (KithWardPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  kith_ward_page_reload (self);
}

/* Public API */

GtkWidget *
kith_ward_page_new (void)
{
  return g_object_new (KITH_TYPE_WARD_PAGE, NULL);
}

KithStore *
kith_ward_page_get_store (KithWardPage *self)
{
  g_return_val_if_fail (KITH_IS_WARD_PAGE (self), NULL);

  return self->store;
}

void
kith_ward_page_set_store (KithWardPage *self,
                          KithStore    *store)
{
  g_return_if_fail (KITH_IS_WARD_PAGE (self));
  g_return_if_fail (store == NULL || KITH_IS_STORE (store));

  if (g_set_object (&self->store, store))
    {
      kith_ward_page_reload (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
    }
}

const char *
kith_ward_page_get_my_name (KithWardPage *self)
{
  g_return_val_if_fail (KITH_IS_WARD_PAGE (self), NULL);

  return self->my_name;
}

void
kith_ward_page_set_my_name (KithWardPage *self,
                            const char   *my_name)
{
  g_return_if_fail (KITH_IS_WARD_PAGE (self));

  if (g_strcmp0 (self->my_name, my_name) == 0)
    return;
  g_free (self->my_name);
  self->my_name = g_strdup (my_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MY_NAME]);
}

void
kith_ward_page_reload (KithWardPage *self)
{
  g_autoptr(GPtrArray) ward = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *places = NULL;
  GtkWidget *child;
  guint capacity;

  g_return_if_fail (KITH_IS_WARD_PAGE (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->occupants_list))) != NULL)
    gtk_list_box_remove (self->occupants_list, child);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ward.admit", self->store != NULL);
  if (self->store == NULL)
    {
      gtk_label_set_text (self->places_label, "");
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  if ((ward = kith_store_list_virtual_ward (self->store, &error)) == NULL)
    {
      adw_status_page_set_title (self->empty_page, _("The Virtual Ward Could Not Be Read"));
      adw_status_page_set_description (self->empty_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  capacity = kith_store_get_virtual_ward_capacity (self->store);
  /* Translators: the ward's occupancy: "12 of 25 places" */
  places = g_strdup_printf (ngettext ("%u of %u place", "%u of %u places", capacity), ward->len, capacity);
  if (ward->len > capacity)
    {
      /* Translators: "27 of 25 places" and that it is over */
      g_autofree char *over = g_strdup_printf (_("%s — over capacity"), places);

      gtk_label_set_text (self->places_label, over);
    }
  else
    gtk_label_set_text (self->places_label, places);
  gtk_level_bar_set_max_value (self->level_bar, MAX (MAX (capacity, ward->len), 1));
  gtk_level_bar_set_value (self->level_bar, ward->len);

  for (guint i = 0; i < ward->len; i++)
    gtk_list_box_append (self->occupants_list, make_occupant_row (self, ward->pdata[i]));
  gtk_stack_set_visible_child_name (self->stack, ward->len > 0 ? "occupants" : "empty");
}

const char *
kith_ward_page_get_places_text (KithWardPage *self)
{
  g_return_val_if_fail (KITH_IS_WARD_PAGE (self), NULL);

  return gtk_label_get_text (self->places_label);
}

GtkSpinButton *
kith_ward_page_get_places_spin (KithWardPage *self)
{
  g_return_val_if_fail (KITH_IS_WARD_PAGE (self), NULL);

  return self->places_spin;
}
