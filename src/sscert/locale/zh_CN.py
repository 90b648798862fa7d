"""The Chinese (zh_CN) translations of sscert's messages, as the source of the gettext
catalogue: ``python -m sscert.locale.zh_CN`` writes ``zh_CN/LC_MESSAGES/sscert.po`` and
compiles ``sscert.mo`` (Babel). A test checks that every message in the code has one here.

Reason codes (``attestation_required``, ``before_window``) and placeholders in ``{}`` stay as
they are.
"""

from __future__ import annotations

ZH: dict[str, str] = {
    "  and a folder for each of {count} townships: call list, visit list, SMS, notices": (
        "  另为 {count} 个乡镇各建一个文件夹：电话名单、走访名单、短信、通知书"
    ),
    "  counting from {start}": "  自 {start} 起计",
    "  every scheme: {period}": "  各险种：{period}",
    "  reference: {reference}": "  依据：{reference}",
    "  {scheme} ({code}): every {months} months": "  {scheme}（{code}）：每 {months} 个月",
    "  {scheme} ({code}): {period}": "  {scheme}（{code}）：{period}",
    "# Copied from the bundled campaign {source} by `sscert campaign init`: edit the dates,\n"
    "# channels, schemes and phone numbers for your county, and keep every reference.\n": (
        "# 由 `sscert campaign init` 从内置认证活动 {source} 复制：请按本县实际修改日期、\n"
        "# 认证方式、险种和电话，并保留每项依据（reference）。\n"
    ),
    "(unreadable)": "（无法读取）",
    ", at most {months} months apart": "，两次认证间隔不超过 {months} 个月",
    "--checkpoint and --public-key go together": "--checkpoint 与 --public-key 须同时给出",
    "--id: a campaign id is lowercase letters, digits, '.', '_' or '-'": (
        "--id：认证活动编号只能由小写字母、数字、“.”、“_”或“-”组成"
    ),
    "; rejected rows written to {path}": "；未导入的行已写入 {path}",
    "BROKEN: {redact}": "已损坏：{redact}",
    "ID number": "身份证号",
    "ID number {number}: a 15-character number must be all digits": (
        "身份证号 {number}：15 位身份证号应全部为数字"
    ),
    "ID number {number}: characters 7-12 are not a real birth date": (
        "身份证号 {number}：第 7–12 位不是有效的出生日期"
    ),
    "ID number {number}: characters 7-14 are not a real birth date": (
        "身份证号 {number}：第 7–14 位不是有效的出生日期"
    ),
    "ID number {number}: the check character does not match (a digit was mistyped)": (
        "身份证号 {number}：校验码不符（有数字录错）"
    ),
    "ID number {number}: the first 17 characters must be digits": (
        "身份证号 {number}：前 17 位应为数字"
    ),
    "ID number {number}: the last character must be a digit or X": (
        "身份证号 {number}：最后一位应为数字或 X"
    ),
    "a campaign needs exactly one of [window], [cycle] or [periods]": (
        "认证活动须且只能有 [window]、[cycle]、[periods] 中的一项"
    ),
    "a county line answers for at least one scheme": "县级咨询电话须至少对应一个险种",
    "a data-matching plugin returned an untrusted match: {problem}": (
        "数据比对插件返回了无法信任的比对结果：{problem}"
    ),
    "a demo needs at least one person": "演示至少需要一人",
    "a fine policy returned {multiplier!r}, not a Decimal from 2 to 5": (
        "罚款裁量政策返回了 {multiplier!r}，而不是 2 至 5 之间的 Decimal"
    ),
    "a phone number must be given as text, not {kind}": "电话号码应为文本，而不是 {kind}",
    "a record must be a JSON object": "每条记录应为一个 JSON 对象",
    "a second death (the first is events[{death_at}])": "第二次死亡记录（第一次为 events[{death_at}]）",
    "all schemes": "全部险种",
    "an ID number has 18 characters (or 15 digits for an old one), not {count}": (
        "身份证号应为 18 位（老证件为 15 位数字），而不是 {count} 位"
    ),
    "an ID number has 18 characters (or 15 digits)": "身份证号应为 18 位（或 15 位数字）",
    "an ID number is digits, with an optional final X": "身份证号应为数字，最后一位可为 X",
    "an ID number must be given as text, not {kind}": "身份证号应为文本，而不是 {kind}",
    "an amount change for {value} with no entitlement": "{value} 的待遇调整没有对应的待遇记录",
    "an amount is yuan with at most 2 decimals, like 2856.40": (
        "金额以元为单位，最多两位小数，如 2856.40"
    ),
    "an attestation is an object": "认证凭证应为一个对象",
    "an attestation time needs an offset (use +08:00 for CST)": (
        "认证凭证的时间须带时区（北京时间用 +08:00）"
    ),
    "an end for {value} with no entitlement": "{value} 的终止年月没有对应的待遇记录",
    "an event is 'certified' or 'died', not {preview}": "事件应为 certified 或 died，而不是 {preview}",
    "answers for": "负责",
    "archive:   {archive}": "档案：    {archive}",
    "attestation fields must not be empty": "认证凭证的字段不能为空",
    "attested store: every certification carries a verified attestation": (
        "验签存储：每条认证记录都附有经核验的认证凭证"
    ),
    "backed up {seq} rows to {destination}; head {head}": "已将 {seq} 条记录备份到 {destination}；链头 {head}",
    "bad input:\n{error}": "输入有误：\n{error}",
    "before start": "早于开始年月",
    "before the death": "早于死亡日期",
    "calendar periods (C14), counting from {start}:": "按自然周期认证（C14），自 {start} 起：",
    "call lists with full phone numbers": "含完整电话号码的电话名单",
    "cannot read the file: {error}": "无法读取文件：{error}",
    "cannot read {file}: {strerror}": "无法读取 {file}：{strerror}",
    "cannot read {path}: {error}": "无法读取 {path}：{error}",
    "cannot read {path}: {strerror}": "无法读取 {path}：{strerror}",
    "cannot write the backup {destination}: {error}": "无法写入备份 {destination}：{error}",
    "cannot write {out}: {strerror}": "无法写入 {out}：{strerror}",
    "cannot write {path}: {strerror}": "无法写入 {path}：{strerror}",
    "certified or died": "应为 certified 或 died",
    "chain broken at row {seq}: {reason}": "记录链在第 {seq} 条断开：{reason}",
    "chain broken at row {seq}{where}: {reason}": "记录链在第 {seq} 条{where}断开：{reason}",
    "chain holds: {seq} rows, head {head}": "记录链完整：共 {seq} 条，链头 {head}",
    "changes[{first}] already starts in {from_}": "changes[{first}] 已从 {from_} 开始",
    "channel {code!r} is provided by both {value} and {name}": "认证方式 {code!r} 同时由 {value} 和 {name} 提供",
    "channels (认证方式):": "认证方式：",
    "checkpoint: {rows} rows, head {head}, key {key_id} → {out}": (
        "检查点：{rows} 条，链头 {head}，密钥 {key_id} → {out}"
    ),
    "code": "代码",
    "column": "列",
    "conflict: record id {redact!r} already holds a different record; this line ({describe}) "
    "differs from the stored one ({describe_text})": (
        "conflict：记录编号 {redact!r} 已有不同的记录；本行（{describe}）与已存记录（{describe_text}）不同"
    ),
    "contacts (咨询电话):": "咨询电话：",
    "created attested store {db}: certifications need an attestation signed by one of {len} "
    "trusted keys": "已创建验签存储 {db}：认证记录须附由 {len} 个受信密钥之一签名的认证凭证",
    "created store {db} (no trusted keys: certifications are accepted without attestation; "
    "`store verify` counts them)": (
        "已创建存储 {db}（未设受信密钥：接受未附凭证的认证记录，`store verify` 会统计其数量）"
    ),
    "dated {day}, after the as-of date {as_of}": "日期为 {day}，晚于计算截止日 {as_of}",
    "dated {day}, before {id} opened on {opens}": "日期为 {day}，早于 {id} 于 {opens} 开始认证",
    "dated {isoformat}, after {isoformat2}: a certification cannot be attested before it "
    "happens": "时间为 {isoformat}，晚于 {isoformat2}：认证不能在发生之前出具凭证",
    "demo campaign: {people} people, {to_remind} to remind": "演示认证活动：共 {people} 人，需提醒 {to_remind} 人",
    "differs from the start already imported ({stored}): a start month is not changed by a "
    "roster import; correct the export, or have the record corrected": (
        "与已导入的开始年月（{stored}）不同：花名册导入不更改待遇开始年月；请更正导出文件，或请管理员更正记录"
    ),
    "done": "完成",
    "each calendar year": "每个自然年度",
    "each half-year (Jan–Jun, Jul–Dec)": "每半年（1—6 月、7—12 月）",
    "empty": "为空",
    "entry {i}: not a trusted key ({error})": "第 {i} 项不是受信密钥（{error}）",
    "extends the checkpoint of {rows} rows signed at {time} by {key_id}": (
        "在 {time} 由 {key_id} 签署的 {rows} 条检查点之后续写"
    ),
    "full ID and phone numbers": "完整的身份证号和电话号码",
    "generating {people} people (random draw {draw})": "生成 {people} 人（随机数 {draw}）",
    "give either --store or --entitlements (with --events, --changes, --people)": (
        "请给出 --store 或 --entitlements（及 --events、--changes、--people）之一"
    ),
    "has an offset beyond ±14:00: {value}": "时区偏移超过 ±14:00：{value}",
    "head: {rows} rows, hash {head}": "链头：共 {rows} 条，哈希 {head}",
    "id: {id}": "编号：{id}",
    "importing certifications and deaths": "正在导入认证和死亡记录",
    "importing the certifications and deaths": "正在导入认证和死亡记录",
    "importing the roster": "正在导入花名册",
    "importing records": "正在导入记录",
    "in person": "本人到场",
    "is longer than {MAX_TEXT} characters ({len})": "超过 {MAX_TEXT} 个字（{len}）",
    "is longer than {limit} characters ({count})": "超过 {limit} 个字（{count}）",
    "is not a month (01 to 12): {value}": "不是有效月份（01 至 12）：{value}",
    "is not a phone number: {phone!r}": "不是电话号码：{phone!r}",
    "is not a real day: {value}": "不是有效日期：{value}",
    "is not a real time: {value}": "不是有效时间：{value}",
    "its body is not a JSON object": "记录内容不是 JSON 对象",
    "its channel and time must be the event's (the time with its offset)": (
        "凭证的认证方式和时间须与事件一致（时间含时区）"
    ),
    "its content does not match its hash": "内容与哈希不符",
    "its previous hash is not the hash of the row before": "前一哈希与上一条记录的哈希不符",
    "key id:      {key_id}": "密钥编号：  {key_id}",
    "key {key_id!r} signs for {channel}, not {channel2}": "密钥 {key_id!r} 用于 {channel}，而不是 {channel2}",
    "key {value!r} is not in this store's trust policy: an attested store trusts only the keys it "
    "was created with": "密钥 {value!r} 不在本存储的验签策略中：验签存储只信任创建时给定的密钥",
    "missing": "缺失",
    "missing (certified or died)": "缺失（应为 certified 或 died）",
    "must be 'county' or 'township'": "应为 county 或 township",
    "must be 'instrument-id/article' of the law register": "应为法规库中的“法规编号/条款”",
    "must be 1 to 120 months, not {value!r}": "应为 1 至 120 个月，而不是 {value!r}",
    "must be 1 to 120, not {interval}": "应为 1 至 120，而不是 {interval}",
    "must be 1 to 120, not {months}": "应为 1 至 120，而不是 {months}",
    "must be 6 digits, not {region!r}": "应为 6 位数字，而不是 {region!r}",
    "must be 6 or 12, not {months}": "应为 6 或 12，而不是 {months}",
    "must be a date like 2023-02-10, not {value!r}": "应为日期（如 2023-02-10），而不是 {value!r}",
    "must be a day from 1 to 28 (every month has it), not {day}": (
        "应为 1 至 28 日中的一天（每月都有），而不是 {day}"
    ),
    "must be a list, not {json_type}": "应为列表，而不是 {json_type}",
    "must be a month ({form}), not {value}": "应为年月（{form}），而不是 {value}",
    "must be a non-empty JSON list of {key_id, channel, public_key_pem}": (
        "应为非空的 JSON 列表，每项含 {key_id, channel, public_key_pem}"
    ),
    "must be a scheme code, not {json_type}": "应为险种代码，而不是 {json_type}",
    'must be a string like "2856.40", not {kind}': "应为“2856.40”这样的文本，而不是 {kind}",
    "must be a table": "应为表",
    "must be a table {months = 6, max_interval = 6}": "应为表 {months = 6, max_interval = 6}",
    "must be an ISO date (YYYY-MM-DD), not {value}": "应为日期（YYYY-MM-DD），而不是 {value}",
    "must be an ISO date or date-time, not {value}": "应为日期或日期时间，而不是 {value}",
    "must be an object": "应为对象",
    "must be an object, not {json_type}": "应为对象，而不是 {json_type}",
    "must be at most {MAX_MONTHLY_AMOUNT} yuan a month": "每月不能超过 {MAX_MONTHLY_AMOUNT} 元",
    "must be at most {limit} yuan a month, not {value}": "每月不能超过 {limit} 元，而不是 {value}",
    "must be greater than zero": "应大于零",
    "must be greater than zero, not {value}": "应大于零，而不是 {value}",
    "must be in the years {low} to {high}, not {value}": "年份应在 {low} 至 {high} 之间，而不是 {value}",
    "must be lowercase letters, digits, '.', '_' or '-'": "只能由小写字母、数字、“.”、“_”或“-”组成",
    "must be one of {join}, not {preview}": "应为 {join} 之一，而不是 {preview}",
    "must be text, not {json_type}": "应为文本，而不是 {json_type}",
    "must be text, not {kind}": "应为文本，而不是 {kind}",
    "must be within 3000 to 10000 yuan (法释〔2011〕7号), not {amount}": (
        "应在 3000 至 10000 元之间（法释〔2011〕7号），而不是 {amount}"
    ),
    "must be yuan with at most 2 decimal places, like 2856.40, not {value}": (
        "应为以元为单位、最多两位小数的金额（如 2856.40），而不是 {value}"
    ),
    "must be {kind_name}, not {value!r}": "应为{kind_name}，而不是 {value!r}",
    "must be {name__}, not {value!r}": "应为 {name__}，而不是 {value!r}",
    "must be {what}, not {json_type}": "应为 {what}，而不是 {json_type}",
    "must name at least one channel": "须至少列出一种认证方式",
    "must name at least one scheme": "须至少列出一个险种",
    "must not be empty": "不能为空",
    "name": "姓名",
    "names a channel twice": "重复列出了同一认证方式",
    "names a scheme twice": "重复列出了同一险种",
    "neither a certification time nor a date of death": "既无认证时间，也无死亡日期",
    "nested more than {limit} levels deep": "嵌套超过 {limit} 层",
    "no bundled campaign by that id ({known}) and no such file": "没有这个编号的内置认证活动（{known}），也没有这个文件",
    "no bundled campaign {name!r} (bundled: {known})": "没有内置认证活动 {name!r}（内置：{known}）",
    "no plugin provides channel {channel!r}": "没有插件提供认证方式 {channel!r}",
    "no trusted key {key_id!r}": "没有受信密钥 {key_id!r}",
    "not JSON: {error}": "不是 JSON：{error}",
    "not URL-safe base64 without padding": "不是不带填充的 URL 安全 base64",
    "not a mainland mobile number (11 digits starting 13-19): {value!r}": (
        "不是大陆手机号（以 13–19 开头的 11 位数字）：{value!r}"
    ),
    "not a mainland mobile or landline number": "不是大陆手机号或固定电话",
    "not a mainland mobile or landline number: the row is imported without it (the phone stored "
    "before, if any, is kept)": "不是大陆手机号或固定电话：本行已导入，但不含该电话（原有电话保留）",
    "not a mainland mobile or landline number: {value!r}": "不是大陆手机号或固定电话：{value!r}",
    "not a month YYYY-MM in {MIN_YEAR}-{MAX_YEAR}": "不是 {MIN_YEAR}—{MAX_YEAR} 年间的年月（YYYY-MM）",
    "not a real birth date": "不是有效的出生日期",
    "not an ISO date (YYYY-MM-DD) in {MIN_YEAR}-{MAX_YEAR}": (
        "不是 {MIN_YEAR}—{MAX_YEAR} 年间的日期（YYYY-MM-DD）"
    ),
    "not an ISO date or date-time in {MIN_YEAR}-{MAX_YEAR}": (
        "不是 {MIN_YEAR}—{MAX_YEAR} 年间的日期或日期时间"
    ),
    "not an amount": "不是金额",
    "not an amount: {text!r}": "不是金额：{text!r}",
    "not the canonical base64 of {length} bytes": "不是 {length} 字节的规范 base64",
    "not valid TOML: {error}": "不是有效的 TOML：{error}",
    "payroll day: {day} of each month": "发放日：每月 {day} 日",
    "phone": "电话",
    "plugin": "插件",
    "private key: {key_path} (mode 0600: keep it away from the store)": (
        "私钥：{key_path}（权限 0600：请与存储分开保管）"
    ),
    "public key:  {pub_path}": "公钥：  {pub_path}",
    "reading .xlsx needs openpyxl: pip install 'sscert[campaign]' (from a checkout: pip install '.[campaign]')": (
        "读取 .xlsx 需要 openpyxl：pip install 'sscert[campaign]'（在代码目录中：pip install '.[campaign]'）"
    ),
    "calculating": "正在计算",
    "unmasked": "身份证号和电话为完整号码",
    "ID and phone numbers masked": "身份证号和电话已脱敏",
    "YYYY-MM or YYYYMM": "YYYY-MM 或 YYYYMM",
    "unreadable": "无法读取",
    "verifying the chain": "正在校验记录链",
    "writing the archive": "正在写档案",
    "copying the store": "正在备份存储",
    "name the new campaign with --id (for example --id {example}): an id is "
    "lowercase letters, digits, '.', '_' or '-', and {name} has others": (
        "请用 --id 给新认证活动编号（例如 --id {example}）：编号只能由小写字母、数字、“.”、“_”或“-”"
        "组成，而 {name} 含有其他字符"
    ),
    "no full ID or phone numbers have been exported from this store": "本存储尚无完整身份证号或电话的导出记录",
    "time (UTC)": "时间（UTC）",
    "operator": "操作人",
    "command": "命令",
    "what": "内容",
    "archive of {count} records into {out}": "{count} 条记录的档案，写入 {out}",
    "results of {count} people with full ID numbers into {out}": "{count} 人的结果（完整身份证号），写入 {out}",
    "reading the store {store_path}": "正在读取存储 {store_path}",
    "reading the tables": "正在读取数据表",
    "reason": "原因",
    "records of {person}": "{person} 的记录",
    "region code: {code}": "行政区划代码：{code}",
    "register: {where}: article {key} has no text": "法规库：{where}：条款 {key} 没有文字",
    "register: {where}: article {key} twice": "法规库：{where}：条款 {key} 重复",
    "register: {where}: not a date: {value!r}": "法规库：{where}：不是日期：{value!r}",
    "register: {where}: out of force before it came into force": "法规库：{where}：失效日期早于施行日期",
    "registration": "需注册",
    "reminders: {path}": "提醒名单：{path}",
    "report:    {resolve}": "报告：    {resolve}",
    "report: {resolve}": "报告：{resolve}",
    "rolling cycle: certify at least every {months} months": "滚动认证：至少每 {months} 个月认证一次",
    "roster:    {roster}": "花名册：  {roster}",
    "row": "行号",
    "row {expected} is missing": "缺少第 {expected} 条记录",
    "row {rows}'s hash differs from the checkpoint's: the chain was rewritten up to it": (
        "第 {rows} 条的哈希与检查点不符：记录链在此之前被改写"
    ),
    "rows {rows}: certifications {certifications}, deaths {deaths}, already present {present}, "
    "rejected {rejected}": (
        "共 {rows} 行：认证 {certifications} 条，死亡 {deaths} 条，已存在 {present} 行，未导入 {rejected} 行"
    ),
    "rows {rows}: imported {imported}, already present {present}, rejected {rejected}, warnings "
    "{warnings}, updated {updated}": (
        "共 {rows} 行：新导入 {imported} 行，已存在 {present} 行，未导入 {rejected} 行，警告 {warnings} 条，"
        "更新 {updated} 行"
    ),
    "running the campaign to {AS_OF}": "计算至 {AS_OF}",
    "schemes (认证范围):": "认证范围（险种）：",
    "signed for another person": "为他人签发",
    "signed for {campaign}, not {id}": "为 {campaign} 签发，而不是 {id}",
    "signed for {mask_id_text}, not {masked}": "为 {mask_id_text} 签发，而不是 {masked}",
    "sscert: ": "sscert：",
    "sscert: cannot read {case_file}: {error}": "sscert：无法读取 {case_file}：{error}",
    "sscert: {case_file} is not JSON sscert accepts: {error}": "sscert：{case_file} 不是可接受的 JSON：{error}",
    "sscert: {case_file}: bad input": "sscert：{case_file}：输入有误",
    "sscert: {error}": "sscert：{error}",
    "sscert: {id_number}: not calculated: {reason}": "sscert：{id_number}：未计算：{reason}",
    "sscert: {message}": "sscert：{message}",
    "sscert: {new_file}: {strerror}": "sscert：{new_file}：{strerror}",
    "sscert: {redact}": "sscert：{redact}",
    "store:     {store}": "存储：    {store}",
    "stored {stored}, already present {present}, rejected {len}": "新存入 {stored} 条，已存在 {present} 条，未导入 {len} 条",
    "template photo": "需模板照片",
    "the ID number was stored as a number and may have lost digits: format the column as text "
    "and export again": "身份证号被存成了数字，可能已丢失末几位：请将该列设为文本格式后重新导出",
    "the attestation time has no offset": "认证凭证的时间没有时区",
    "the backup does not verify at row {seq}": "备份在第 {seq} 条校验不通过",
    "the batch engine needs: pip install 'sscert[batch]' (from a checkout: pip install '.[batch]')": (
        "批量引擎需要：pip install 'sscert[batch]'（在代码目录中：pip install '.[batch]'）"
    ),
    "the call lists hold phone numbers in full; this export is recorded in the store": (
        "电话名单含完整电话号码；本次导出已记录在存储中"
    ),
    "the check character does not match": "校验码不符",
    "the database cannot be read ({error})": "数据库无法读取（{error}）",
    "the header row has no column for: {missing}. Rename the header in the file, or name your "
    "headers in a mapping file and pass it with --mapping": (
        "表头缺少以下列：{missing}。请修改文件中的表头，或在对照文件中写明表头并用 --mapping 指定"
    ),
    "the installed chinesecalendar does not know {year}; upgrade it": (
        "已安装的 chinesecalendar 不含 {year} 年的日历，请升级"
    ),
    "the private key is not an Ed25519 key": "私钥不是 Ed25519 密钥",
    "the public key is not an Ed25519 key": "公钥不是 Ed25519 密钥",
    "the register holds no instrument {instrument_id!r}": "法规库中没有 {instrument_id!r}",
    "the signature does not match the attestation": "签名与认证凭证不符",
    "the store cannot be read ({error})": "存储无法读取（{error}）",
    "the store does not extend the checkpoint: {reason}": "存储不是在检查点之后续写的：{reason}",
    "the store has {rows} rows, the checkpoint {rows2}": "存储有 {rows} 条，检查点有 {rows2} 条",
    "the trust policy names no key": "验签策略中没有密钥",
    "this attestation was already used": "该认证凭证已被使用过",
    "township": "乡镇",
    "unknown channel": "未知的认证方式",
    "unknown channel {channel!r} (known: {join})": "未知的认证方式 {channel!r}（已知：{join}）",
    "unknown channel {value!r}: write one of {names} (or its code)": (
        "未知的认证方式 {value!r}：请填写 {names} 之一（或其代码）"
    ),
    "unknown encoding {name!r}": "未知的编码 {name!r}",
    "unknown event type {kind!r} (known: certified, died)": "未知的事件类型 {kind!r}（已知：certified、died）",
    "unknown field {preview}": "未知字段 {preview}",
    "unknown key (known: {join})": "未知的键（已知：{join}）",
    "unknown kind {value!r}": "未知的记录类型 {value!r}",
    "unknown scheme": "未知的险种",
    "unknown scheme {value!r} (known: {known})": "未知的险种 {value!r}（已知：{known}）",
    "unknown scheme {value!r}; known: {known}": "未知的险种 {value!r}；已知：{known}",
    "warning: this archive holds full ID and phone numbers": "警告：本档案含完整的身份证号和电话号码",
    "window (认证时间): {start} to {end}, both days included": "认证时间：{start} 至 {end}（含首尾两天）",
    "writing the lists": "正在写名单",
    "wrote {output}": "已写入 {output}",
    "sscert: cannot write {output}: {error}": "sscert：无法写入 {output}：{error}",
    "wrote {path}: campaign {id}, a copy of {source}; check it with `sscert campaign show "
    "{path}`": "已写入 {path}：认证活动 {id}，复制自 {source}；可用 `sscert campaign show {path}` 查看",
    "wrote {value} records to {out} ({value2}); chain head {value3}": "已将 {value} 条记录写入 {out}（{value2}）；链头 {value3}",
    "yes": "是",
    "{code!r} is not a channel code (lowercase letters, digits and _)": (
        "{code!r} 不是认证方式代码（小写字母、数字和 _）"
    ),
    "{count} people held in the store are not in this export (nothing was deleted): listed in "
    "{path}": "存储中有 {count} 人不在本次导出中（未删除任何记录）：名单见 {path}",
    "{count} people to remind, as of {as_of}:": "截至 {as_of}，需提醒 {count} 人：",
    "{db} is already a store: left untouched": "{db} 已是存储：未作改动",
    "{db}: no such file": "{db}：没有这个文件",
    "{destination} exists: choose a new file for the backup": "{destination} 已存在：请为备份另选文件名",
    "{end} is before start {start}": "{end} 早于开始年月 {start}",
    "{end} is before the start {start}": "{end} 早于开始年月 {start}",
    "{end} is before window.start {start}": "{end} 早于 window.start {start}",
    "{expected} — did you mean the column “{near}”?": "{expected}（是不是“{near}”这一列？）",
    "{file}: row {row}: {column}: rejected: {reason}": "{file}：第 {row} 行：{column}：未导入：{reason}",
    "{file}: row {row}: {column}: warning: {reason}": "{file}：第 {row} 行：{column}：警告：{reason}",
    "{file}:{line}: rejected: {redact}": "{file}:{line}：未导入：{redact}",
    "{height:,} month rows: writing {fmt}": "{height:,} 条按月记录：正在写 {fmt}",
    "{height:,} people, {height2:,} entitlements: calculating": "{height:,} 人，{height2:,} 项待遇：计算中",
    "{id} does not accept {channel}": "{id} 不受理 {channel}",
    "{instrument_id} has no article {key!r} in the register": "法规库中 {instrument_id} 没有条款 {key!r}",
    "{key}: missing": "{key}：缺失",
    "{key}: must be non-empty text": "{key}：应为非空文本",
    "{masked} is already people[{first}]: a person appears once": "{masked} 已是 people[{first}]：每人只能出现一次",
    "{name} is not a JSON number sscert accepts": "{name} 不是可接受的 JSON 数字",
    "{out} exists: a checkpoint is never overwritten, choose a new name": "{out} 已存在：检查点不覆盖，请另选文件名",
    "{parent} is not a folder": "{parent} 不是文件夹",
    "{parent} is not a folder: create it first": "{parent} 不是文件夹：请先创建",
    "{path} exists: choose a new file": "{path} 已存在：请另选文件名",
    "{path} exists: choose another name (keys are never overwritten)": "{path} 已存在：请另选名称（密钥不覆盖）",
    "{path} holds a private key that is not Ed25519": "{path} 中的私钥不是 Ed25519 密钥",
    "{path} holds a public key that is not Ed25519": "{path} 中的公钥不是 Ed25519 密钥",
    "{path} holds no readable private key (PEM, unencrypted)": "{path} 中没有可读的私钥（未加密的 PEM）",
    "{path} holds no readable public key (PEM)": "{path} 中没有可读的公钥（PEM）",
    "{path} is not a checkpoint (format {FORMAT} expected)": "{path} 不是检查点（应为 {FORMAT} 格式）",
    "{path} is not a checkpoint (not JSON: {error})": "{path} 不是检查点（不是 JSON：{error}）",
    "{path} is too large to be a checkpoint": "{path} 太大，不是检查点",
    "{path} is too large to be a key file": "{path} 太大，不是密钥文件",
    "{path} was signed by key {key_id}, not by the public key given ({key_id_of})": (
        "{path} 由密钥 {key_id} 签署，而不是所给公钥（{key_id_of}）"
    ),
    "{path}: a table is a .csv or .xlsx file": "{path}：表格应为 .csv 或 .xlsx 文件",
    "{path}: a table is a .parquet, .arrow or .csv file": "{path}：数据表应为 .parquet、.arrow 或 .csv 文件",
    "{path}: columns.{key}: must be a header or a list of headers": "{path}：columns.{key}：应为一个表头或表头列表",
    "{path}: columns.{key}: unknown field (known: {known})": "{path}：columns.{key}：未知字段（已知：{known}）",
    "{path}: head must be a SHA-256 in hex": "{path}：head 应为十六进制的 SHA-256",
    "{path}: its signature does not verify: it was altered": "{path}：签名校验不通过：已被改动",
    "{path}: no sheet named {sheet!r}": "{path}：没有名为 {sheet!r} 的工作表",
    "{path}: no such file": "{path}：没有这个文件",
    "{path}: not UTF-8 or GB18030 text: name the encoding in a mapping file": (
        "{path}：不是 UTF-8 或 GB18030 文本：请在对照文件中写明编码"
    ),
    "{path}: not a list of trusted keys ({error})": "{path}：不是受信密钥列表（{error}）",
    "{path}: not a readable .xlsx workbook: {error}": "{path}：不是可读的 .xlsx 工作簿：{error}",
    "{path}: not a readable CSV file: {error}": "{path}：不是可读的 CSV 文件：{error}",
    "{path}: not a readable mapping file: {error}": "{path}：对照文件无法读取：{error}",
    "{path}: rows must be a whole number": "{path}：rows 应为整数",
    "{path}: the file is empty": "{path}：文件为空",
    "{path}: time, key_id and signature must be short text": "{path}：time、key_id 和 signature 应为短文本",
    "{person}: no records in this store": "{person}：本存储中没有记录",
    "{person}: {count} records, oldest first": "{person}：共 {count} 条记录，按时间先后",
    "{preview}: not a key of a {shape} record": "{preview}：不是 {shape} 记录的字段",
    "{reported_on} is before the death on {on}": "{reported_on} 早于死亡日期 {on}",
    "{reported} is before the death on {died}": "{reported} 早于死亡日期 {died}",
    "{start}… ({count} characters)": "{start}…（共 {count} 字）",
    "{target} is already a store with another trust policy: it is kept as it is (a policy is "
    "fixed when the store is created)": "{target} 已是验签策略不同的存储：保持原样（验签策略在创建存储时确定）",
    "{target}: cannot create a store ({error})": "{target}：无法创建存储（{error}）",
    "{target}: its pseudonym key is unreadable": "{target}：假名密钥无法读取",
    "{target}: its schema version is missing or unreadable": "{target}：版本号缺失或无法读取",
    "{target}: its trust policy is unreadable ({error})": "{target}：验签策略无法读取（{error}）",
    "{target}: made by another sscert (schema {version})": "{target}：由其他版本的 sscert 创建（版本 {version}）",
    "{target}: no store here (create one with `sscert store init`)": "{target}：这里没有存储（请用 `sscert store init` 创建）",
    "{target}: not an sscert store (its meta table names no store)": "{target}：不是 sscert 存储（元数据表中没有存储标记）",
    "{target}: not an sscert store ({error})": "{target}：不是 sscert 存储（{error}）",
    "{target}: the table {value} is missing": "{target}：缺少数据表 {value}",
    "{township} is not a township of {campaign}": "{township} 不是 {campaign} 的乡镇",
    "{unattested} certifications are unattested (this store was created without trusted keys)": (
        "有 {unattested} 条认证记录未附认证凭证（本存储创建时未设受信密钥）"
    ),
    "{value} is already entitlements[{first}]: one entitlement per scheme": (
        "{value} 已是 entitlements[{first}]：每个险种只能有一项待遇"
    ),
    "{value}: missing": "{value}：缺失",
    "{what} for {count} people, as of {as_of}, into {out}": "截至 {as_of}，{count} 人的{what}，写入 {out}",
}


def main() -> None:
    """Write the .po beside this module and compile the .mo (needs Babel)."""
    from pathlib import Path  # noqa: PLC0415

    from babel.messages.catalog import Catalog  # noqa: PLC0415
    from babel.messages.mofile import write_mo  # noqa: PLC0415
    from babel.messages.pofile import write_po  # noqa: PLC0415

    folder = Path(__file__).with_name("zh_CN") / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    catalog = Catalog(locale="zh_CN", domain="sscert", project="sscert", charset="utf-8")
    for msgid, msgstr in sorted(ZH.items()):
        catalog.add(msgid, msgstr)
    with (folder / "sscert.po").open("wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True, width=0)
    with (folder / "sscert.mo").open("wb") as handle:
        write_mo(handle, catalog)


if __name__ == "__main__":
    main()
