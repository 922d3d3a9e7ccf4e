# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "FlitStack Migration",
    "summary": "Move a contractor or field-service business from its old CRM into Odoo",
    "version": "18.0.1.0.0",
    "category": "Tools",
    "website": "https://github.com/flitstack/flitstack-migration",
    "author": "FlitStack",
    "maintainers": ["flitstack"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": True,
    "depends": [
        "crm",
        "sale_management",
        "project",
        "account",
        "hr",
        "calendar",
        "contacts",
    ],
    "external_dependencies": {
        "python": ["openpyxl", "rapidfuzz", "requests"],
    },
    "data": [
        "security/flitstack_migration_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/migration_project_views.xml",
        "views/migration_mapping_views.xml",
        "views/migration_project_checklist_views.xml",
        "views/migration_run_views.xml",
        "views/migration_log_views.xml",
        "wizards/migration_rollback_wizard_views.xml",
        "wizards/migration_import_tcf_wizard_views.xml",
        "views/menus.xml",
    ],
}
