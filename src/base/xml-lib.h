/* xml-lib.h: libxml2, opened with dlopen() the first time HTML is read as
 * text, a DOCX is read or an Atom feed written, not linked. Linked, it
 * and ICU under it cost every run of the program about 5 M instructions
 * to load, relocate and initialize (callgrind), though a delivery of a
 * plain text mail never calls it. A file that calls libxml2 includes this
 * header after libxml2's own and calls xml_lib_load() before the first
 * call: the names below then go through the pointers. */
#ifndef LIAISON_XML_LIB_H
#define LIAISON_XML_LIB_H

#include <glib.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#define XML_LIB_FUNCTIONS(F) \
	F (xmlInitParser) \
	F (htmlCreateMemoryParserCtxt) \
	F (htmlCtxtUseOptions) \
	F (htmlFreeParserCtxt) \
	F (htmlParseDocument) \
	F (xmlSwitchEncoding) \
	F (xmlReadMemory) \
	F (xmlDocGetRootElement) \
	F (xmlFreeDoc) \
	F (xmlBufferCreate) \
	F (xmlBufferContent) \
	F (xmlBufferLength) \
	F (xmlBufferFree) \
	F (xmlNewTextWriterMemory) \
	F (xmlFreeTextWriter) \
	F (xmlTextWriterSetIndent) \
	F (xmlTextWriterSetIndentString) \
	F (xmlTextWriterStartDocument) \
	F (xmlTextWriterEndDocument) \
	F (xmlTextWriterStartElement) \
	F (xmlTextWriterEndElement) \
	F (xmlTextWriterWriteAttribute) \
	F (xmlTextWriterWriteElement) \
	F (xmlTextWriterWriteString)

#define XML_LIB_DECLARE_POINTER(name) __typeof__ (name) *f_##name;
typedef struct {
	XML_LIB_FUNCTIONS (XML_LIB_DECLARE_POINTER)
} XmlLibFunctions;
#undef XML_LIB_DECLARE_POINTER

extern XmlLibFunctions xml_lib;

/* Opens libxml2 once per process (and runs xmlInitParser()). FALSE with
 * @error (LIAISON_ERROR_FAILED) when it cannot be. */
gboolean xml_lib_load (GError **error);

/* From here on the calls go through the pointers. */
#define xmlInitParser (*xml_lib.f_xmlInitParser)
#define htmlCreateMemoryParserCtxt (*xml_lib.f_htmlCreateMemoryParserCtxt)
#define htmlCtxtUseOptions (*xml_lib.f_htmlCtxtUseOptions)
#define htmlFreeParserCtxt (*xml_lib.f_htmlFreeParserCtxt)
#define htmlParseDocument (*xml_lib.f_htmlParseDocument)
#define xmlSwitchEncoding (*xml_lib.f_xmlSwitchEncoding)
#define xmlReadMemory (*xml_lib.f_xmlReadMemory)
#define xmlDocGetRootElement (*xml_lib.f_xmlDocGetRootElement)
#define xmlFreeDoc (*xml_lib.f_xmlFreeDoc)
#define xmlBufferCreate (*xml_lib.f_xmlBufferCreate)
#define xmlBufferContent (*xml_lib.f_xmlBufferContent)
#define xmlBufferLength (*xml_lib.f_xmlBufferLength)
#define xmlBufferFree (*xml_lib.f_xmlBufferFree)
#define xmlNewTextWriterMemory (*xml_lib.f_xmlNewTextWriterMemory)
#define xmlFreeTextWriter (*xml_lib.f_xmlFreeTextWriter)
#define xmlTextWriterSetIndent (*xml_lib.f_xmlTextWriterSetIndent)
#define xmlTextWriterSetIndentString (*xml_lib.f_xmlTextWriterSetIndentString)
#define xmlTextWriterStartDocument (*xml_lib.f_xmlTextWriterStartDocument)
#define xmlTextWriterEndDocument (*xml_lib.f_xmlTextWriterEndDocument)
#define xmlTextWriterStartElement (*xml_lib.f_xmlTextWriterStartElement)
#define xmlTextWriterEndElement (*xml_lib.f_xmlTextWriterEndElement)
#define xmlTextWriterWriteAttribute (*xml_lib.f_xmlTextWriterWriteAttribute)
#define xmlTextWriterWriteElement (*xml_lib.f_xmlTextWriterWriteElement)
#define xmlTextWriterWriteString (*xml_lib.f_xmlTextWriterWriteString)

#endif
