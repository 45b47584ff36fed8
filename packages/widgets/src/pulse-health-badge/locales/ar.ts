// The badge's ar texts, fetched only by pages in that language: see ../pulse-health-badge.messages.ts.
export default "الصحة|الصحة {score}، {band}|أخضر|أصفر|أحمر|لا توجد بيانات صحة بعد|جارٍ تحميل الصحة…|الصحة غير متاحة|\u2066{delta}\u2069 خلال 30 يومًا|آخر 90 يومًا: من {first} إلى {last}|أهم العوامل|استخدام المنتج|آراء العملاء|الدعم|المدفوعات|تقييم مدير نجاح العملاء|التهيئة|مراجعات الأعمال";
