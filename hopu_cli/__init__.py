"Command line of Hopu ERP-CRM: demo database, account sets, tests."
