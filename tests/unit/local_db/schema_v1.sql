-- Schema version 1 of the replica, as first released. Frozen: never edit.
CREATE TABLE settings (
	id VARCHAR NOT NULL, 
	value TEXT, 
	PRIMARY KEY (id)
);
CREATE TABLE users (
	id VARCHAR NOT NULL, 
	username VARCHAR NOT NULL, 
	full_name VARCHAR, 
	role VARCHAR NOT NULL, 
	agent_code VARCHAR, 
	max_line_discount VARCHAR, 
	max_avg_discount VARCHAR, 
	number_block_start INTEGER, 
	number_block_end INTEGER, 
	PRIMARY KEY (id)
);
CREATE TABLE warehouses (
	id VARCHAR NOT NULL, 
	code VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_warehouses_code ON warehouses (code);
CREATE TABLE products (
	id VARCHAR NOT NULL, 
	sku VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	description VARCHAR, 
	unit VARCHAR NOT NULL, 
	vat_rate VARCHAR NOT NULL, 
	category VARCHAR, 
	brand VARCHAR, 
	barcode VARCHAR, 
	pack_size VARCHAR, 
	min_quantity VARCHAR, 
	cost VARCHAR, 
	active BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_products_category ON products (category);
CREATE INDEX ix_products_barcode ON products (barcode);
CREATE INDEX ix_products_sku ON products (sku);
CREATE TABLE product_documents (
	id VARCHAR NOT NULL, 
	product_id VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	title VARCHAR NOT NULL, 
	filename VARCHAR NOT NULL, 
	media_type VARCHAR NOT NULL, 
	size INTEGER NOT NULL, 
	sha256 VARCHAR NOT NULL, 
	content BLOB, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_product_documents_product_id ON product_documents (product_id);
CREATE TABLE stock_levels (
	id VARCHAR NOT NULL, 
	product_id VARCHAR NOT NULL, 
	warehouse_id VARCHAR NOT NULL, 
	on_hand VARCHAR NOT NULL, 
	reserved VARCHAR NOT NULL, 
	available VARCHAR NOT NULL, 
	incoming VARCHAR, 
	incoming_date DATE, 
	as_of VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_stock_levels_product_warehouse ON stock_levels (product_id, warehouse_id);
CREATE INDEX ix_stock_levels_warehouse_id ON stock_levels (warehouse_id);
CREATE TABLE price_lists (
	id VARCHAR NOT NULL, 
	code VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	currency VARCHAR NOT NULL, 
	version INTEGER NOT NULL, 
	valid_from DATE, 
	valid_to DATE, 
	is_base BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_price_lists_code ON price_lists (code);
CREATE TABLE price_list_items (
	id VARCHAR NOT NULL, 
	price_list_id VARCHAR NOT NULL, 
	product_id VARCHAR NOT NULL, 
	min_quantity VARCHAR NOT NULL, 
	price VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_price_list_items_product_id ON price_list_items (product_id);
CREATE INDEX ix_price_list_items_list_product ON price_list_items (price_list_id, product_id);
CREATE TABLE customers (
	id VARCHAR NOT NULL, 
	erp_code VARCHAR, 
	name VARCHAR NOT NULL, 
	vat_number VARCHAR, 
	tax_code VARCHAR, 
	segment VARCHAR, 
	status VARCHAR NOT NULL, 
	payment_terms VARCHAR, 
	price_list_id VARCHAR, 
	default_discount VARCHAR, 
	credit_limit VARCHAR NOT NULL, 
	balance VARCHAR NOT NULL, 
	overdue_amount VARCHAR NOT NULL, 
	language VARCHAR NOT NULL, 
	agent_id VARCHAR, 
	phone VARCHAR, 
	email VARCHAR, 
	city VARCHAR, 
	row_version INTEGER, 
	dirty BOOLEAN DEFAULT 0 NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_customers_vat_number ON customers (vat_number);
CREATE INDEX ix_customers_price_list_id ON customers (price_list_id);
CREATE INDEX ix_customers_erp_code ON customers (erp_code);
CREATE INDEX ix_customers_agent_id ON customers (agent_id);
CREATE TABLE addresses (
	id VARCHAR NOT NULL, 
	customer_id VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	street VARCHAR NOT NULL, 
	city VARCHAR NOT NULL, 
	postal_code VARCHAR, 
	province VARCHAR, 
	country VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_addresses_customer_id ON addresses (customer_id);
CREATE TABLE contacts (
	id VARCHAR NOT NULL, 
	customer_id VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	role VARCHAR, 
	phone VARCHAR, 
	email VARCHAR, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_contacts_customer_id ON contacts (customer_id);
CREATE TABLE open_items (
	id VARCHAR NOT NULL, 
	customer_id VARCHAR NOT NULL, 
	document_number VARCHAR NOT NULL, 
	document_date DATE NOT NULL, 
	due_date DATE NOT NULL, 
	amount VARCHAR NOT NULL, 
	paid VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_open_items_customer_id ON open_items (customer_id);
CREATE TABLE quotes (
	id VARCHAR NOT NULL, 
	number VARCHAR NOT NULL, 
	customer_id VARCHAR NOT NULL, 
	agent_id VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	revision INTEGER NOT NULL, 
	previous_revision_id VARCHAR, 
	valid_until DATE, 
	currency VARCHAR NOT NULL, 
	document_discount VARCHAR, 
	notes VARCHAR, 
	customer_reference VARCHAR, 
	lost_reason VARCHAR, 
	taxable_total VARCHAR NOT NULL, 
	vat_total VARCHAR NOT NULL, 
	grand_total VARCHAR NOT NULL, 
	created_at VARCHAR NOT NULL, 
	updated_at VARCHAR NOT NULL, 
	dirty BOOLEAN DEFAULT 0 NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_quotes_status ON quotes (status);
CREATE INDEX ix_quotes_customer_id ON quotes (customer_id);
CREATE INDEX ix_quotes_agent_id ON quotes (agent_id);
CREATE INDEX ix_quotes_number ON quotes (number);
CREATE TABLE orders (
	id VARCHAR NOT NULL, 
	number VARCHAR NOT NULL, 
	customer_id VARCHAR NOT NULL, 
	agent_id VARCHAR NOT NULL, 
	quote_id VARCHAR, 
	status VARCHAR NOT NULL, 
	currency VARCHAR NOT NULL, 
	document_discount VARCHAR, 
	notes VARCHAR, 
	customer_reference VARCHAR, 
	taxable_total VARCHAR NOT NULL, 
	vat_total VARCHAR NOT NULL, 
	grand_total VARCHAR NOT NULL, 
	approval_reasons TEXT, 
	decision_note VARCHAR, 
	decided_by VARCHAR, 
	decided_at VARCHAR, 
	created_at VARCHAR NOT NULL, 
	updated_at VARCHAR NOT NULL, 
	dirty BOOLEAN DEFAULT 0 NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_orders_status ON orders (status);
CREATE INDEX ix_orders_number ON orders (number);
CREATE INDEX ix_orders_quote_id ON orders (quote_id);
CREATE INDEX ix_orders_customer_id ON orders (customer_id);
CREATE INDEX ix_orders_agent_id ON orders (agent_id);
CREATE TABLE activities (
	id VARCHAR NOT NULL, 
	customer_id VARCHAR NOT NULL, 
	agent_id VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	subject VARCHAR NOT NULL, 
	notes VARCHAR, 
	occurred_at VARCHAR NOT NULL, 
	dirty BOOLEAN DEFAULT 0 NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_activities_customer_id ON activities (customer_id);
CREATE INDEX ix_activities_occurred_at ON activities (occurred_at);
CREATE TABLE deals (
	id VARCHAR NOT NULL, 
	customer_id VARCHAR NOT NULL, 
	agent_id VARCHAR NOT NULL, 
	title VARCHAR NOT NULL, 
	stage VARCHAR NOT NULL, 
	amount VARCHAR, 
	expected_close DATE, 
	updated_at VARCHAR NOT NULL, 
	dirty BOOLEAN DEFAULT 0 NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_deals_customer_id ON deals (customer_id);
CREATE TABLE sync_cursor (
	id INTEGER NOT NULL, 
	cursor VARCHAR, 
	last_success_at VARCHAR, 
	last_error VARCHAR, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_sync_cursor_single_row CHECK (id = 1)
);
CREATE TABLE outbox (
	id VARCHAR(36) NOT NULL, 
	seq INTEGER NOT NULL, 
	type VARCHAR NOT NULL, 
	payload TEXT NOT NULL, 
	depends_on TEXT NOT NULL, 
	status VARCHAR NOT NULL, 
	attempts INTEGER NOT NULL, 
	last_error VARCHAR, 
	next_attempt_at VARCHAR, 
	created_at VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_outbox_status CHECK (status IN ('pending', 'sent', 'held', 'failed', 'done')), 
	UNIQUE (seq)
);
CREATE INDEX ix_outbox_status_seq ON outbox (status, seq);
CREATE TABLE conflicts (
	id VARCHAR(36) NOT NULL, 
	command_id VARCHAR, 
	kind VARCHAR NOT NULL, 
	title VARCHAR NOT NULL, 
	message VARCHAR NOT NULL, 
	local_value TEXT, 
	server_value TEXT, 
	choices TEXT NOT NULL, 
	status VARCHAR NOT NULL, 
	created_at VARCHAR NOT NULL, 
	resolved_choice VARCHAR, 
	resolved_at VARCHAR, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_conflicts_status CHECK (status IN ('open', 'resolved'))
);
CREATE INDEX ix_conflicts_command_id ON conflicts (command_id);
CREATE INDEX ix_conflicts_status ON conflicts (status);
CREATE TABLE local_settings (
	"key" VARCHAR NOT NULL, 
	value TEXT, 
	PRIMARY KEY ("key")
);
CREATE TABLE number_sequence (
	kind VARCHAR NOT NULL, 
	year INTEGER NOT NULL, 
	last_used INTEGER NOT NULL, 
	PRIMARY KEY (kind, year), 
	CONSTRAINT ck_number_sequence_non_negative CHECK (last_used >= 0)
);
CREATE TABLE quote_lines (
	id VARCHAR NOT NULL, 
	quote_id VARCHAR NOT NULL, 
	line_no INTEGER NOT NULL, 
	product_id VARCHAR NOT NULL, 
	sku VARCHAR NOT NULL, 
	description VARCHAR NOT NULL, 
	quantity VARCHAR NOT NULL, 
	unit VARCHAR NOT NULL, 
	unit_price VARCHAR NOT NULL, 
	discount VARCHAR, 
	vat_rate VARCHAR NOT NULL, 
	net_amount VARCHAR NOT NULL, 
	price_list_id VARCHAR, 
	price_list_version INTEGER, 
	PRIMARY KEY (id), 
	FOREIGN KEY(quote_id) REFERENCES quotes (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX ix_quote_lines_product_id ON quote_lines (product_id);
CREATE INDEX ix_quote_lines_quote_id ON quote_lines (quote_id);
CREATE TABLE order_lines (
	id VARCHAR NOT NULL, 
	order_id VARCHAR NOT NULL, 
	line_no INTEGER NOT NULL, 
	product_id VARCHAR NOT NULL, 
	sku VARCHAR NOT NULL, 
	description VARCHAR NOT NULL, 
	quantity VARCHAR NOT NULL, 
	unit VARCHAR NOT NULL, 
	unit_price VARCHAR NOT NULL, 
	discount VARCHAR, 
	vat_rate VARCHAR NOT NULL, 
	net_amount VARCHAR NOT NULL, 
	price_list_id VARCHAR, 
	price_list_version INTEGER, 
	PRIMARY KEY (id), 
	FOREIGN KEY(order_id) REFERENCES orders (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX ix_order_lines_order_id ON order_lines (order_id);
CREATE INDEX ix_order_lines_product_id ON order_lines (product_id);
