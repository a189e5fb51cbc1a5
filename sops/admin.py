# SOP runs and their step records are case records: like cases.Case they are deliberately not in the
# admin — system administrators hold no case-level access (docs/access.md), and these rows change
# only through sops.services.
