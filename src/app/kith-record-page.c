/* kith-record-page.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One person's record. For now: who they are and how to reach them, with
 * honest empty states for the assessment, plan, team and contacts that
 * later issues fill in.
 */

#define G_LOG_DOMAIN "kith-record-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "kith-format.h"
#include "kith-record-page.h"

struct _KithRecordPage
{
  GtkWidget          parent_instance;

  KithPatient       *patient;

  /* Template widgets */
  GtkStack          *stack;
  GtkScrolledWindow *scrolled_window;
  AdwAvatar         *avatar;
  GtkLabel          *name_label;
  GtkLabel          *preferred_name_label;
  GtkLabel          *nhs_number_label;
  GtkLabel          *birth_label;
  GtkLabel          *address_label;
  GtkLabel          *phone_label;
  GtkLabel          *practice_label;
  GtkWidget         *review_row;
  GtkLabel          *review_label;
  GtkWidget         *review_overdue_label;
  GtkWidget         *plan_empty_row;
  GtkWidget         *coordinator_row;
  GtkLabel          *coordinator_label;
  GtkWidget         *team_empty_row;
};

G_DEFINE_FINAL_TYPE (KithRecordPage, kith_record_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PATIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
is_empty (const char *text)
{
  return text == NULL || *text == '\0';
}

/* Shows @value, or a dimmed "Not recorded" so a gap is visibly a gap. */
static void
set_detail (GtkLabel   *label,
            const char *value)
{
  if (!is_empty (value))
    {
      gtk_label_set_text (label, value);
      gtk_label_set_selectable (label, TRUE);
      gtk_widget_remove_css_class (GTK_WIDGET (label), "dim-label");
    }
  else
    {
      gtk_label_set_text (label, _("Not recorded"));
      gtk_label_set_selectable (label, FALSE);
      gtk_widget_add_css_class (GTK_WIDGET (label), "dim-label");
    }
}

static char *
dup_birth_text (KithPatient *patient)
{
  g_autofree char *date = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDate) today = NULL;
  int age;

  if (!(date = kith_format_iso_date (kith_patient_get_birth_date (patient), KITH_DATE_STYLE_LONG)))
    return NULL;

  today = g_date_new_dmy (g_date_time_get_day_of_month (now),
                          g_date_time_get_month (now),
                          g_date_time_get_year (now));
  if ((age = kith_patient_get_age (patient, today)) < 0)
    return g_steal_pointer (&date);

  /* Translators: a date of birth and the age now, "12 March 1938 (aged 87)" */
  return g_strdup_printf (ngettext ("%s (aged %d)", "%s (aged %d)", age), date, age);
}

static void
update_details (KithRecordPage *self)
{
  KithPatient *patient = self->patient;
  g_autofree char *list_name = NULL;
  g_autofree char *spoken_name = NULL;
  g_autofree char *nhs_number = NULL;
  g_autofree char *birth = NULL;
  const char *preferred_name;

  if (patient == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  list_name = kith_patient_dup_list_name (patient);
  spoken_name = kith_patient_dup_spoken_name (patient);
  gtk_label_set_text (self->name_label, list_name);
  adw_avatar_set_text (self->avatar, spoken_name);

  preferred_name = kith_patient_get_preferred_name (patient);
  if (!is_empty (preferred_name))
    {
      g_autofree char *prefers = NULL;

      /* Translators: %s is the name the person likes to be called, "Peggy" */
      prefers = g_strdup_printf (_("Prefers to be called %s"), preferred_name);
      gtk_label_set_text (self->preferred_name_label, prefers);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->preferred_name_label), !is_empty (preferred_name));

  if (!is_empty (kith_patient_get_nhs_number (patient)))
    nhs_number = kith_nhs_number_format (kith_patient_get_nhs_number (patient));
  set_detail (self->nhs_number_label, nhs_number);

  birth = dup_birth_text (patient);
  set_detail (self->birth_label, birth);
  set_detail (self->address_label, kith_patient_get_address (patient));
  set_detail (self->phone_label, kith_patient_get_phone (patient));
  set_detail (self->practice_label, kith_patient_get_gp_practice (patient));

  gtk_stack_set_visible_child_name (self->stack, "record");
}

static void
update_from_caseload_entry (KithRecordPage    *self,
                            KithCaseloadEntry *entry)
{
  g_autofree char *review = NULL;
  const char *coordinator = NULL;

  if (entry != NULL)
    {
      review = kith_format_iso_date (kith_caseload_entry_get_next_review (entry),
                                     KITH_DATE_STYLE_LONG);
      coordinator = kith_caseload_entry_get_coordinator (entry);
    }

  gtk_label_set_text (self->review_label, review != NULL ? review : "");
  gtk_widget_set_visible (self->review_overdue_label,
                          review != NULL && kith_caseload_entry_get_review_overdue (entry));
  gtk_widget_set_visible (self->review_row, review != NULL);
  gtk_widget_set_visible (self->plan_empty_row, review == NULL);

  gtk_label_set_text (self->coordinator_label, !is_empty (coordinator) ? coordinator : "");
  gtk_widget_set_visible (self->coordinator_row, !is_empty (coordinator));
  gtk_widget_set_visible (self->team_empty_row, is_empty (coordinator));
}

static void
kith_record_page_dispose (GObject *object)
{
  KithRecordPage *self = KITH_RECORD_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KITH_TYPE_RECORD_PAGE);
  g_clear_object (&self->patient);

  G_OBJECT_CLASS (kith_record_page_parent_class)->dispose (object);
}

static void
kith_record_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  KithRecordPage *self = KITH_RECORD_PAGE (object);

  switch (prop_id)
    {
    case PROP_PATIENT:
      g_value_set_object (value, self->patient);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_record_page_class_init (KithRecordPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_record_page_dispose;
  object_class->get_property = kith_record_page_get_property;

  properties[PROP_PATIENT] =
    g_param_spec_object ("patient", NULL, NULL,
                         KITH_TYPE_PATIENT,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/care/kith/Kith/kith-record-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, avatar);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, preferred_name_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, nhs_number_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, birth_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, address_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, phone_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, practice_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, review_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, review_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, review_overdue_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, plan_empty_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, coordinator_row);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, coordinator_label);
  gtk_widget_class_bind_template_child (widget_class, KithRecordPage, team_empty_row);
}

static void
kith_record_page_init (KithRecordPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kith_record_page_new (void)
{
  return g_object_new (KITH_TYPE_RECORD_PAGE, NULL);
}

KithPatient *
kith_record_page_get_patient (KithRecordPage *self)
{
  g_return_val_if_fail (KITH_IS_RECORD_PAGE (self), NULL);

  return self->patient;
}

void
kith_record_page_set_person (KithRecordPage    *self,
                             KithPatient       *patient,
                             KithCaseloadEntry *entry)
{
  g_return_if_fail (KITH_IS_RECORD_PAGE (self));
  g_return_if_fail (patient == NULL || KITH_IS_PATIENT (patient));
  g_return_if_fail (entry == NULL || KITH_IS_CASELOAD_ENTRY (entry));

  if (g_set_object (&self->patient, patient))
    {
      /* A new person starts at the top of their record. */
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATIENT]);
    }

  update_details (self);
  update_from_caseload_entry (self, patient != NULL ? entry : NULL);
}
