/* Hopu (皓普) ERP-CRM branding of the Tryton web client (sao loads this
 * file after itself). */
Sao.config.title = '皓普 ERP-CRM';
