#!/usr/bin/env bash
# Write a generated raw 3.10 task sequence of at least BYTES bytes to stdout: groups of 20 Run
# Command Line steps with conditions, variables and an action, every fourth group with a nested
# group, a reference list, CRLF line ends. The same shape as the generated input of
# benches/parse.rs (`generated`), so the in-process and the whole-command figures compare.
#
# Usage: bench/generate.sh BYTES > file.xml
set -euo pipefail
bytes="${1:?usage: bench/generate.sh BYTES}"
awk -v min="$bytes" 'BEGIN {
    ORS = ""
    head = "<sequence version=\"3.10\">\r\n<referenceList><reference package=\"CM100031\" /><reference package=\"CM1000A0\" program=\"*\" /></referenceList>\r\n"
    print head; n = length(head)
    for (g = 0; n < min; g++) {
        s = sprintf("<group name=\"Group %d\" description=\"Generated group %d\"><condition><expression type=\"SMS_TaskSequence_VariableConditionExpression\"><variable name=\"Operator\">notEquals</variable><variable name=\"Value\">True</variable><variable name=\"Variable\">SkipGroup%d</variable></expression></condition>\r\n", g, g, g)
        print s; n += length(s)
        for (t = 0; t < 20; t++) {
            s = sprintf("<step type=\"SMS_TaskSequence_RunCommandLineAction\" name=\"Install component %d.%d\" description=\"Installs component %d of group %d &amp; logs it\" continueOnError=\"%s\" runIn=\"WinPEandFullOS\" successCodeList=\"0 3010\" retryCount=\"0\" runFromNet=\"false\">", g, t, t, g, (t % 7 == 0) ? "true" : "false")
            s = s "<condition><operator type=\"and\"><expression type=\"SMS_TaskSequence_VariableConditionExpression\"><variable name=\"Operator\">equals</variable><variable name=\"Value\">Pilot</variable><variable name=\"Variable\">ContosoRing</variable></expression>"
            s = s sprintf("<expression type=\"SMS_TaskSequence_WMIConditionExpression\"><variable name=\"Namespace\">root\\cimv2</variable><variable name=\"Query\">SELECT * FROM Win32_ComputerSystem WHERE Model LIKE %c%%Latitude %d%%%c</variable></expression></operator></condition>", 39, t, 39)
            s = s sprintf("<action>smsswd.exe /run:CM10%04d cmd.exe /c install-%d.cmd /quiet /log:&quot;%%_SMSTSLogPath%%\\install-%d.log&quot;</action>", g, t, t)
            s = s sprintf("<defaultVarList><variable name=\"CommandLine\" property=\"CommandLine\" hidden=\"true\">cmd.exe /c install-%d.cmd /quiet</variable>", t)
            s = s "<variable name=\"SMSTSDisableWow64Redirection\" property=\"DisableWow64Redirection\">false</variable>"
            s = s "<variable name=\"SMSTSRunCommandLineOutputVariableName\" property=\"OutputVariableName\"></variable>"
            s = s sprintf("<variable name=\"PackageID\" property=\"PackageID\" hidden=\"true\">CM10%04d</variable>", g)
            s = s "<variable name=\"_SMSTSRunCommandLineAsUser\" property=\"RunAsUser\">false</variable>"
            s = s "<variable name=\"SuccessCodes\" property=\"SuccessCodes\" hidden=\"true\">0 3010</variable></defaultVarList></step>\r\n"
            print s; n += length(s)
        }
        if (g % 4 == 3) {
            s = "<group name=\"Nested\" description=\"\"><step type=\"SMS_TaskSequence_RebootAction\" name=\"Restart\" description=\"\" runIn=\"WinPEandFullOS\" successCodeList=\"0\" retryCount=\"0\" runFromNet=\"false\"><action>smsboot.exe /target:WinPE</action><defaultVarList><variable name=\"SMSRebootMessage\" property=\"Message\"></variable><variable name=\"SMSRebootTimeout\" property=\"MessageTimeout\">60</variable><variable name=\"SMSRebootTarget\" property=\"Target\" hidden=\"true\">WinPE</variable></defaultVarList></step></group>\r\n"
            print s; n += length(s)
        }
        print "</group>\r\n"; n += 10
    }
    print "</sequence>\r\n"
}'
